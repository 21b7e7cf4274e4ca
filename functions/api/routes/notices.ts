/** GET /notices/{id}, POST /notices/{id}/resend: a notice's delivery evidence, and a resend after a contact change. */
import { getNotice, resendNotice } from '#use-cases/mail-events.ts';
import { json, route } from '#runtime/http.ts';
import { NoticeIdParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

export const makeGetNotice = (deps: ApiDeps) =>
  route({ params: NoticeIdParam }, async ({ params, event }) => json(200, await getNotice(deps, principal(event), params.id)));

export const makeResendNotice = (deps: ApiDeps) =>
  route({ params: NoticeIdParam }, async ({ params, event }) => json(201, await resendNotice(deps, principal(event), params.id)));
