/** GET /units, GET /units/{id}, POST /units/{id}/lines, POST /units/{id}/cancellations, PATCH /units/{id}/contact. */
import middy from '@middy/core';
import type { z } from 'zod';
import { getUnit } from '#use-cases/applications.ts';
import { addLine, cancelContract, changeContact, listUnits } from '#use-cases/contracts.ts';
import { json, parseBody, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { AddLineBody, CancellationBody, ContactBody, IdParam, UnitsQuery } from '#runtime/schemas.ts';
import type { LocalDate } from '#domain/calendar.ts';
import type { ApiDeps } from '../deps.ts';
import { unitView } from '../views.ts';
import { principal } from '../auth.ts';

const id = (ev: HttpEvent) => (ev.parsed!.params as z.infer<typeof IdParam>).id;
const body = <S extends z.ZodType>(ev: HttpEvent) => ev.parsed!.body as z.infer<S>;

export const makeGetUnit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, unitView(await getUnit(deps, principal(ev), id(ev)), deps.config)));

export const makeListUnits = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, UnitsQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof UnitsQuery>;
      const units = await listUnits(deps, principal(ev), {
        status: q.status,
        deadlineBefore: q.deadlineBefore as LocalDate | undefined,
        q: q.q,
      });
      const p = page(units, (u) => u.id, q);
      return json(200, { items: p.items.map((u) => unitView(u, deps.config)), next: p.next });
    });

export const makeAddLine = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(AddLineBody))
    .handler(async (ev) => json(201, unitView(await addLine(deps, principal(ev), id(ev), body<typeof AddLineBody>(ev)), deps.config)));

export const makeCancel = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(CancellationBody))
    .handler(async (ev) =>
      json(201, unitView(await cancelContract(deps, principal(ev), id(ev), body<typeof CancellationBody>(ev)), deps.config)),
    );

export const makeChangeContact = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(ContactBody))
    .handler(async (ev) =>
      json(200, unitView(await changeContact(deps, principal(ev), id(ev), body<typeof ContactBody>(ev)), deps.config)),
    );
