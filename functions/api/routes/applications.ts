/** POST /applications, GET /applications, POST /applications/{id}/accept|reject|defer — one makeHandler per route. */
import { acceptApplication, deferApplication, listApplications, rejectApplication, submitApplication } from '#use-cases/applications.ts';
import { json, route } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { AcceptBody, ApplicationBody, ApplicationStatusQuery, DeferBody, IdParam, RejectBody } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { unitView } from '../views.ts';
import { principal } from '../auth.ts';

export const makeSubmitApplication = (deps: ApiDeps) =>
  route({ body: ApplicationBody }, async ({ body: b, event }) => {
    const unit = await submitApplication(deps, principal(event), {
      ...b,
      contractor: { ...b.contractor, corporateNumber: b.contractor.corporateNumber ?? '' },
    });
    return json(201, unitView(unit, deps.config), { location: `/units/${unit.id}` });
  });

export const makeListApplications = (deps: ApiDeps) =>
  route({ query: ApplicationStatusQuery }, async ({ query, event }) => {
    const p = page(await listApplications(deps, principal(event), query.status), (u) => u.id, query);
    return json(200, { items: p.items.map((u) => unitView(u, deps.config)), next: p.next });
  });

export const makeAcceptApplication = (deps: ApiDeps) =>
  route({ params: IdParam, body: AcceptBody }, async ({ params, body, event }) =>
    json(200, unitView(await acceptApplication(deps, principal(event), params.id, body), deps.config)),
  );

export const makeRejectApplication = (deps: ApiDeps) =>
  route({ params: IdParam, body: RejectBody }, async ({ params, body, event }) =>
    json(200, unitView(await rejectApplication(deps, principal(event), params.id, body), deps.config)),
  );

export const makeDeferApplication = (deps: ApiDeps) =>
  route({ params: IdParam, body: DeferBody }, async ({ params, body, event }) =>
    json(200, unitView(await deferApplication(deps, principal(event), params.id, body), deps.config)),
  );
