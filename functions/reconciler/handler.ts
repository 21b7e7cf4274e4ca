/** reconciler: EventBridge Scheduler, once a day after the daily run (W9). */
import middy from '@middy/core';
import { logger } from '#runtime/logger.ts';
import { system } from '#use-cases/authz.ts';
import { reconcileDesktops, type ReconcileDeps } from '#use-cases/reconcile-desktops.ts';

export const makeHandler = (deps: ReconcileDeps) =>
  middy().handler(async () => {
    // The drift count goes out through the Telemetry port (Kokona DesktopDrift, service=kokona: the DesktopDrift alarm).
    const report = await reconcileDesktops(deps, system('reconciler'), 'schedule');
    logger.info('desktop drift', { drift: report.drift, repaired: report.repaired, counts: report.counts });
    return { drift: report.drift, repaired: report.repaired, counts: report.counts, report: report.id };
  });
