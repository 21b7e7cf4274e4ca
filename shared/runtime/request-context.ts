/**
 * What the edge knows about the request being handled, for code that has no other way to see it:
 * the business date (the request schemas check dates and instants against it) and the request id
 * (the logger's `requestId` key, the `x-request-id` response header).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LocalDate } from '#domain/calendar.ts';

export interface RequestContext {
  readonly today: LocalDate;
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const withRequestContext = <T>(ctx: RequestContext, f: () => T): T => storage.run(ctx, f);

/** The current request's context; undefined outside a request (e.g. building the OpenAPI document). */
export const requestContext = (): RequestContext | undefined => storage.getStore();
