/** GET /units, GET /units/{id}, POST /units/{id}/lines, POST /units/{id}/cancellations, PATCH /units/{id}/contact. */
import { getUnit } from '#use-cases/applications.ts';
import { addLine, cancelContract, changeContact, listUnits } from '#use-cases/contracts.ts';
import { json, route } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { AddLineBody, CancellationBody, ContactBody, IdParam, UnitsQuery } from '#runtime/schemas.ts';
import type { LocalDate } from '#domain/calendar.ts';
import type { ApiDeps } from '../deps.ts';
import { unitView } from '../views.ts';
import { principal } from '../auth.ts';

export const makeGetUnit = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) =>
    json(200, unitView(await getUnit(deps, principal(event), params.id), deps.config)),
  );

export const makeListUnits = (deps: ApiDeps) =>
  route({ query: UnitsQuery }, async ({ query, event }) => {
    const units = await listUnits(deps, principal(event), {
      status: query.status,
      deadlineBefore: query.deadlineBefore as LocalDate | undefined,
      q: query.q,
    });
    const p = page(units, (u) => u.id, query);
    return json(200, { items: p.items.map((u) => unitView(u, deps.config)), next: p.next });
  });

export const makeAddLine = (deps: ApiDeps) =>
  route({ params: IdParam, body: AddLineBody }, async ({ params, body, event }) =>
    json(201, unitView(await addLine(deps, principal(event), params.id, body), deps.config)),
  );

export const makeCancel = (deps: ApiDeps) =>
  route({ params: IdParam, body: CancellationBody }, async ({ params, body, event }) =>
    json(201, unitView(await cancelContract(deps, principal(event), params.id, body), deps.config)),
  );

export const makeChangeContact = (deps: ApiDeps) =>
  route({ params: IdParam, body: ContactBody }, async ({ params, body, event }) =>
    json(200, unitView(await changeContact(deps, principal(event), params.id, body), deps.config)),
  );
