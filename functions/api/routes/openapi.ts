/** GET /openapi.json: the API document, generated from the zod schemas (also kept in docs/openapi.json). */
import middy from '@middy/core';
import { json, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { openApiDocument } from '#runtime/openapi.ts';

export const makeOpenApi = () => middy<HttpEvent, HttpResult>().handler(async () => json(200, openApiDocument()));
