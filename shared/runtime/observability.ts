/**
 * Powertools for AWS Lambda on every function: the Logger (shared/runtime/logger.ts) with the Lambda
 * context and Metrics (EMF, namespace `Kokona`, one `service=kokona` dimension on every business metric
 * so the alarms name them without knowing which function emitted them). Tracing is the caller's
 * choice (`observedWith`): Powertools' Tracer in every function but the api (shared/runtime/tracing.ts,
 * `observed`), the api's LightTracer (shared/runtime/light-tracer.ts) — this module does not import
 * the X-Ray SDK. Only the composition roots (functions/<name>/index.ts) use them: the embedded stack
 * runs the same handlers without them and counts metrics in memory.
 */
import type middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MetricName, OutboxItem, OutboxPublisher, Telemetry } from '#use-cases/ports.ts';
import { logger } from './logger.ts';

/** The CloudWatch namespace of the back office's own metrics (alarms and dashboard read it). */
export const METRICS_NAMESPACE = 'Kokona';
/** The one dimension of every business metric: `service=kokona`. */
export const METRICS_SERVICE = 'kokona';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
/** The `Service` annotation of the invocation's trace subsegment (Powertools' Tracer and the LightTracer). */
export const TRACE_SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? 'kokona-backoffice';

/** Adds X-Ray subsegments to an AWS SDK v3 client's calls (Tracer's captureAWSv3Client, or the LightTracer's). */
export type CaptureClient = <T>(client: T) => T;

const YEN: ReadonlySet<MetricName> = new Set(['YenBilled', 'CompensationYen']);

/** The Telemetry port over Powertools Metrics (flushed by `logMetrics` at the end of each invocation). */
export const powertoolsTelemetry: Telemetry = {
  count(metric, value = 1) {
    metrics.addMetric(metric, YEN.has(metric) ? MetricUnit.NoUnit : MetricUnit.Count, value);
  },
};

/** Telemetry that adds up in memory (the embedded stack, tests). */
export class MemoryTelemetry implements Telemetry {
  readonly counts: Partial<Record<MetricName, number>> = {};
  count(metric: MetricName, value = 1): void {
    this.counts[metric] = (this.counts[metric] ?? 0) + value;
  }
}

/**
 * A publisher whose failure is logged before the use case lets it go (the commit is done; the relay
 * sweep of the next daily run publishes what is still pending).
 */
export function loggedPublisher(inner: OutboxPublisher): OutboxPublisher {
  return {
    async publish(items: readonly OutboxItem[]) {
      try {
        await inner.publish(items);
      } catch (error) {
        logger.warn('outbox publish failed: the items stay pending for the relay sweep', {
          outboxIds: items.map((i) => i.id).slice(0, 20),
          count: items.length,
          error,
        });
        throw error;
      }
    },
  };
}

/**
 * Wraps a function's middy handler with the Powertools middlewares: `first` (the tracing middleware, if
 * any), Lambda context and cold start on every log line (keys reset per invocation), metrics flushed
 * after every invocation (also a failed one).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function observedWith<H extends middy.MiddyfiedHandler<any, any, any, any>>(handler: H, first?: middy.MiddlewareObj): H {
  return (first ? handler.use(first) : handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true })) as H;
}
