/** POST /applications, GET /applications, POST /applications/{id}/accept|reject|defer — one makeHandler per route. */
import middy from '@middy/core';
import type { z } from 'zod';
import { acceptApplication, deferApplication, listApplications, rejectApplication, submitApplication } from '#use-cases/applications.ts';
import { json, parseBody, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { AcceptBody, ApplicationBody, ApplicationStatusQuery, DeferBody, IdParam, RejectBody } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { unitView } from '../views.ts';
import { principal } from '../auth.ts';

const body = <S extends z.ZodType>(ev: HttpEvent) => ev.parsed!.body as z.infer<S>;
const id = (ev: HttpEvent) => (ev.parsed!.params as z.infer<typeof IdParam>).id;

export const makeSubmitApplication = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseBody(ApplicationBody))
    .handler(async (ev) => {
      const b = body<typeof ApplicationBody>(ev);
      const unit = await submitApplication(deps, principal(ev), { ...b, contractor: { ...b.contractor, corporateNumber: b.contractor.corporateNumber ?? '' } });
      return json(201, unitView(unit, deps.config), { location: `/units/${unit.id}` });
    });

export const makeListApplications = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, ApplicationStatusQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof ApplicationStatusQuery>;
      const p = page(await listApplications(deps, principal(ev), q.status), (u) => u.id, q);
      return json(200, { items: p.items.map((u) => unitView(u, deps.config)), next: p.next });
    });

export const makeAcceptApplication = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(AcceptBody))
    .handler(async (ev) => json(200, unitView(await acceptApplication(deps, principal(ev), id(ev), body<typeof AcceptBody>(ev)), deps.config)));

export const makeRejectApplication = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(RejectBody))
    .handler(async (ev) => json(200, unitView(await rejectApplication(deps, principal(ev), id(ev), body<typeof RejectBody>(ev)), deps.config)));

export const makeDeferApplication = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .use(parseBody(DeferBody))
    .handler(async (ev) => json(200, unitView(await deferApplication(deps, principal(ev), id(ev), body<typeof DeferBody>(ev)), deps.config)));
