/** GET /audit, GET /clock, POST /clock/advance, GET /units/{id}/notices, GET /units/{id}/desktops, GET /dashboard. */
import type { LocalDate } from '#domain/calendar.ts';
import { advanceClock, clockInfo, dashboard, readAudit, unitDesktops, unitNotices } from '#use-cases/console.ts';
import { json, route } from '#runtime/http.ts';
import { AuditQuerySchema, ClockAdvanceBody, IdParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

export const makeGetAudit = (deps: ApiDeps) =>
  route({ query: AuditQuerySchema }, async ({ query, event }) =>
    json(200, await readAudit(deps, principal(event), { ...query, limit: query.limit ? Number(query.limit) : 50 })),
  );

export const makeGetClock = (deps: ApiDeps) => route({}, async ({ event }) => json(200, clockInfo(deps, principal(event))));

export const makeAdvanceClock = (deps: ApiDeps) =>
  route({ body: ClockAdvanceBody }, async ({ body, event }) => {
    const r = await advanceClock(deps, principal(event), body.to as LocalDate);
    return json(200, { ...r, ...clockInfo(deps, principal(event)) });
  });

export const makeGetUnitNotices = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) => json(200, { items: await unitNotices(deps, principal(event), params.id) }));

export const makeGetUnitDesktops = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) => json(200, await unitDesktops(deps, principal(event), params.id)));

export const makeGetDashboard = (deps: ApiDeps) => route({}, async ({ event }) => json(200, await dashboard(deps, principal(event))));
