/** POST /outages, PATCH /outages/{id}, GET /outages, GET /outages/{id}, POST /compensations/{id}/payout, POST /maintenances. */
import middy from '@middy/core';
import type { z } from 'zod';
import { announceMaintenance, getOutage, listOutages, payOutCompensation, recordOutage, updateOutage } from '#use-cases/outages.ts';
import { json, parseBody, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { CompensationIdParam, IdParam, MaintenanceBody, OutageBody, OutagePatchBody, OutagesQuery } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

const body = <S extends z.ZodType>(ev: HttpEvent) => ev.parsed!.body as z.infer<S>;
const id = (ev: HttpEvent) => (ev.parsed!.params as { id: string }).id;

export const makeRecordOutage = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseBody(OutageBody))
    .handler(async (ev) => {
      const o = await recordOutage(deps, principal(ev), body<typeof OutageBody>(ev));
      return json(201, await getOutage(deps, principal(ev), o.id), { location: `/outages/${o.id}` });
    });

export const makeUpdateOutage = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(OutagePatchBody))
    .handler(async (ev) => {
      await updateOutage(deps, principal(ev), id(ev), body<typeof OutagePatchBody>(ev));
      return json(200, await getOutage(deps, principal(ev), id(ev)));
    });

export const makeGetOutage = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, await getOutage(deps, principal(ev), id(ev))));

export const makeListOutages = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, OutagesQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof OutagesQuery>;
      const p = page(
        await listOutages(deps, principal(ev), { open: q.open === undefined ? undefined : q.open === 'true' }),
        (o) => o.id,
        q,
      );
      return json(200, p);
    });

export const makePayOut = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(CompensationIdParam, null))
    .handler(async (ev) => json(200, await payOutCompensation(deps, principal(ev), id(ev))));

export const makeAnnounceMaintenance = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseBody(MaintenanceBody))
    .handler(async (ev) => json(201, await announceMaintenance(deps, principal(ev), body<typeof MaintenanceBody>(ev))));
