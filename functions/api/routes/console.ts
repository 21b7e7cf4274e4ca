/** GET /audit, GET /clock, POST /clock/advance, GET /units/{id}/notices, GET /units/{id}/desktops, GET /dashboard. */
import middy from '@middy/core';
import type { z } from 'zod';
import type { LocalDate } from '#domain/calendar.ts';
import { advanceClock, clockInfo, dashboard, readAudit, unitDesktops, unitNotices } from '#use-cases/console.ts';
import { json, parseBody, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { AuditQuerySchema, ClockAdvanceBody, IdParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

const id = (ev: HttpEvent) => (ev.parsed!.params as z.infer<typeof IdParam>).id;

export const makeGetAudit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, AuditQuerySchema))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof AuditQuerySchema>;
      return json(200, await readAudit(deps, principal(ev), { ...q, limit: q.limit ? Number(q.limit) : 50 }));
    });

export const makeGetClock = (deps: ApiDeps) => middy<HttpEvent, HttpResult>().handler(async (ev) => json(200, clockInfo(deps, principal(ev))));

export const makeAdvanceClock = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseBody(ClockAdvanceBody))
    .handler(async (ev) => {
      const r = await advanceClock(deps, principal(ev), (ev.parsed!.body as z.infer<typeof ClockAdvanceBody>).to as LocalDate);
      return json(200, { ...r, ...clockInfo(deps, principal(ev)) });
    });

export const makeGetUnitNotices = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, { items: await unitNotices(deps, principal(ev), id(ev)) }));

export const makeGetUnitDesktops = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, await unitDesktops(deps, principal(ev), id(ev))));

export const makeGetDashboard = (deps: ApiDeps) => middy<HttpEvent, HttpResult>().handler(async (ev) => json(200, await dashboard(deps, principal(ev))));
