/** GET /notices/{id}, POST /notices/{id}/resend: a notice's delivery evidence, and a resend after a contact change. */
import middy from '@middy/core';
import type { z } from 'zod';
import { getNotice, resendNotice } from '#use-cases/mail-events.ts';
import { json, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { NoticeIdParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

const noticeId = (ev: HttpEvent) => (ev.parsed!.params as z.infer<typeof NoticeIdParam>).id;

export const makeGetNotice = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(NoticeIdParam, null))
    .handler(async (ev) => json(200, await getNotice(deps, principal(ev), noticeId(ev))));

export const makeResendNotice = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(NoticeIdParam, null))
    .handler(async (ev) => json(201, await resendNotice(deps, principal(ev), noticeId(ev))));
