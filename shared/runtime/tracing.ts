/**
 * Powertools' Tracer (on aws-xray-sdk-core): every function but the api (which has the LightTracer,
 * shared/runtime/light-tracer.ts, for its bundle limit). The handler is a subsegment `## <_HANDLER>`
 * annotated ColdStart and Service; `capture` makes each call of an AWS SDK v3 client a subsegment.
 */
import type middy from '@middy/core';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { observedWith, TRACE_SERVICE_NAME, type CaptureClient } from './observability.ts';

export const tracer = new Tracer({ serviceName: TRACE_SERVICE_NAME });

/** The Tracer's captureAWSv3Client, for the wiring (functions/wiring*.ts). */
export const capture: CaptureClient = (client) => tracer.captureAWSv3Client(client);

/** observedWith the Tracer's handler middleware (the handler's response is not put on the trace). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function observed<H extends middy.MiddyfiedHandler<any, any, any, any>>(handler: H): H {
  return observedWith(handler, captureLambdaHandler(tracer, { captureResponse: false }));
}
