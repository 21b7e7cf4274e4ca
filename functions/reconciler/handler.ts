/** reconciler: EventBridge Scheduler, once a day after the daily run (W9). */
import middy from '@middy/core';
import { logger } from '#runtime/logger.ts';
import { system } from '#use-cases/authz.ts';
import { reconcileDesktops, type ReconcileDeps } from '#use-cases/reconcile-desktops.ts';

export const makeHandler = (deps: ReconcileDeps) =>
  middy().handler(async () => {
    const report = await reconcileDesktops(deps, system('reconciler'), 'schedule');
    // The drift count as a metric (namespace Kokona, DesktopDrift) in CloudWatch's embedded metric format.
    logger.info('desktop drift', {
      _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Kokona', Dimensions: [[]], Metrics: [{ Name: 'DesktopDrift', Unit: 'Count' }] }] },
      DesktopDrift: report.drift,
      repaired: report.repaired,
      counts: report.counts,
    });
    return { drift: report.drift, repaired: report.repaired, counts: report.counts, report: report.id };
  });
