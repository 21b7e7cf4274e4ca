/** POST /outages, PATCH /outages/{id}, GET /outages, GET /outages/{id}, POST /compensations/{id}/payout, POST /maintenances. */
import { announceMaintenance, getOutage, listOutages, payOutCompensation, recordOutage, updateOutage } from '#use-cases/outages.ts';
import { json, route } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { CompensationIdParam, IdParam, MaintenanceBody, OutageBody, OutagePatchBody, OutagesQuery } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

export const makeRecordOutage = (deps: ApiDeps) =>
  route({ body: OutageBody }, async ({ body, event }) => {
    const o = await recordOutage(deps, principal(event), body);
    return json(201, await getOutage(deps, principal(event), o.id), { location: `/outages/${o.id}` });
  });

export const makeUpdateOutage = (deps: ApiDeps) =>
  route({ params: IdParam, body: OutagePatchBody }, async ({ params, body, event }) => {
    await updateOutage(deps, principal(event), params.id, body);
    return json(200, await getOutage(deps, principal(event), params.id));
  });

export const makeGetOutage = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) => json(200, await getOutage(deps, principal(event), params.id)));

export const makeListOutages = (deps: ApiDeps) =>
  route({ query: OutagesQuery }, async ({ query, event }) => {
    const outages = await listOutages(deps, principal(event), { open: query.open === undefined ? undefined : query.open === 'true' });
    return json(
      200,
      page(outages, (o) => o.id, query),
    );
  });

export const makePayOut = (deps: ApiDeps) =>
  route({ params: CompensationIdParam }, async ({ params, event }) =>
    json(200, await payOutCompensation(deps, principal(event), params.id)),
  );

export const makeAnnounceMaintenance = (deps: ApiDeps) =>
  route({ body: MaintenanceBody }, async ({ body, event }) => json(201, await announceMaintenance(deps, principal(event), body)));
