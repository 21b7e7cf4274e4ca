/** GET /units/{id}. */
import middy from '@middy/core';
import type { z } from 'zod';
import { getUnit } from '#use-cases/applications.ts';
import { json, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { IdParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { unitView } from '../views.ts';

export const makeGetUnit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, unitView(await getUnit(deps, (ev.parsed!.params as z.infer<typeof IdParam>).id))));
