/**
 * GET /openapi.json: the API document, docs/openapi.json — generated from the zod schemas at build time
 * (`npm run openapi`; test/functions/openapi.test.ts fails when it is stale) and read on first request,
 * so that the api bundle carries neither the generator nor zod's JSON Schema code (~38 KB). In a Lambda
 * bundle the file ships beside index.mjs (OPENAPI_DOCUMENT, infra/cdk/bundling.ts).
 */
import { readFileSync } from 'node:fs';
import middy from '@middy/core';
import { json, type HttpEvent, type HttpResult } from '#runtime/http.ts';

/** Set by esbuild's `define` in the bundle (relative to index.mjs); undeclared under tsx and vitest. */
declare const OPENAPI_DOCUMENT: string | undefined;
const FILE =
  typeof OPENAPI_DOCUMENT === 'string'
    ? new URL(OPENAPI_DOCUMENT, import.meta.url)
    : new URL('../../../docs/openapi.json', import.meta.url);

let document: unknown;
export const makeOpenApi = () =>
  middy<HttpEvent, HttpResult>().handler(async () => json(200, (document ??= JSON.parse(readFileSync(FILE, 'utf8')) as unknown)));
