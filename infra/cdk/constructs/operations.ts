/**
 * What pages the on-call operator beyond each queue's and function's own alarms (docs/DEPLOY.md has a
 * runbook section per alarm), and the one dashboard of the day's work.
 *
 *  DailyRunNotCompleted  Kokona DailyRunOwedDays ≥ 1 (published hourly by outage-watch: the dates the
 *                        daily run owes; from 01:00 JST today's run counts), missing data = breaching
 *                        (so it also fires when nothing publishes: the watcher or the run never ran)
 *  DynamoThrottles       the table's and its indexes' read/write throttle events ≥ 1 per 5 min, twice
 *  SesBounceRate         AWS/SES Reputation.BounceRate ≥ 5 % (SES reviews the account at 5 %, may pause at 10 %)
 *  SesComplaintRate      AWS/SES Reputation.ComplaintRate ≥ 0.1 % (review at 0.1 %, pause at 0.5 %)
 *  DesktopDrift          Kokona DesktopDrift ≥ 1 (desktops whose WorkSpaces state differs from the unit's,
 *                        published by the desktop reconciler)
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GSI1, GSI2 } from '#adapters/dynamodb/table.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '#runtime/observability.ts';
import type { MetricName } from '#use-cases/ports.ts';
import type { WorkQueue } from './work-queue.ts';

export interface OperationsProps {
  readonly table: dynamodb.ITable;
  readonly alarmTopic: sns.ITopic;
  readonly queues: Readonly<Record<string, WorkQueue>>;
  readonly functions: readonly lambda.IFunction[];
}

/** A business metric the functions publish (namespace Kokona, dimension service=kokona). */
export function kokonaMetric(name: MetricName, opts: { statistic?: string; period?: Duration; label?: string } = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: opts.statistic ?? 'Sum',
    period: opts.period ?? Duration.hours(1),
    ...(opts.label ? { label: opts.label } : {}),
  });
}

export class Operations extends Construct {
  readonly alarms: Record<
    'dailyRunNotCompleted' | 'dynamoThrottles' | 'sesBounceRate' | 'sesComplaintRate' | 'desktopDrift',
    cloudwatch.Alarm
  >;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const alarm = (alarmId: string, p: cloudwatch.AlarmProps) => {
      const a = new cloudwatch.Alarm(this, alarmId, p);
      a.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      return a;
    };

    // Alarm metrics carry no label (a labelled metric renders as a metric-math alarm); the dashboard's do.
    const owed = kokonaMetric('DailyRunOwedDays', { statistic: 'Maximum', period: Duration.hours(1) });
    const throttleMetric = (metricName: string, index?: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const throttles = new cloudwatch.MathExpression({
      expression: 'FILL(r, 0) + FILL(w, 0) + FILL(r1, 0) + FILL(w1, 0) + FILL(r2, 0) + FILL(w2, 0)',
      usingMetrics: {
        r: throttleMetric('ReadThrottleEvents'),
        w: throttleMetric('WriteThrottleEvents'),
        r1: throttleMetric('ReadThrottleEvents', GSI1),
        w1: throttleMetric('WriteThrottleEvents', GSI1),
        r2: throttleMetric('ReadThrottleEvents', GSI2),
        w2: throttleMetric('WriteThrottleEvents', GSI2),
      },
      period: Duration.minutes(5),
      label: 'throttle events (table + indexes)',
    });
    const sesRate = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    const bounceRate = sesRate('Reputation.BounceRate');
    const complaintRate = sesRate('Reputation.ComplaintRate');
    const drift = kokonaMetric('DesktopDrift', { statistic: 'Maximum', period: Duration.hours(1) });

    this.alarms = {
      dailyRunNotCompleted: alarm('DailyRunNotCompletedAlarm', {
        alarmDescription:
          'kokona: the daily run has not completed the business date by 01:00 JST (or nothing reported it: missing data breaches). Runbook: docs/DEPLOY.md "DailyRunNotCompleted"',
        metric: owed,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      dynamoThrottles: alarm('DynamoThrottlesAlarm', {
        alarmDescription:
          'kokona: DynamoDB throttled requests of the table or its indexes in two 5-minute periods in a row. Runbook: docs/DEPLOY.md "DynamoThrottles"',
        metric: throttles,
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      sesBounceRate: alarm('SesBounceRateAlarm', {
        alarmDescription:
          'kokona: the SES account bounce rate is 5 % or more (SES reviews at 5 %, may pause sending at 10 %). Runbook: docs/DEPLOY.md "SesBounceRate"',
        metric: bounceRate,
        threshold: 0.05,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      sesComplaintRate: alarm('SesComplaintRateAlarm', {
        alarmDescription:
          'kokona: the SES account complaint rate is 0.1 % or more (SES reviews at 0.1 %, may pause at 0.5 %). Runbook: docs/DEPLOY.md "SesComplaintRate"',
        metric: complaintRate,
        threshold: 0.001,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      desktopDrift: alarm('DesktopDriftAlarm', {
        alarmDescription:
          'kokona: the desktop reconciler found WorkSpaces whose state differs from the units (DesktopDrift ≥ 1). Runbook: docs/DEPLOY.md "DesktopDrift"',
        metric: drift,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };

    const day = Duration.hours(1);
    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
    const queues = Object.entries(props.queues);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [...Object.values(this.alarms), ...queues.flatMap(([, q]) => [q.ageAlarm, q.dlq.alarm])],
            width: 24,
            height: 4,
          }),
        ],
        [
          graph('Daily run: due units, dates completed, dates owed', [
            kokonaMetric('DueUnits', { period: day }),
            kokonaMetric('DailyRunCompleted', { period: day }),
            owed.with({ label: 'dates owed' }),
          ]),
          graph('Invoices issued / yen billed', [
            kokonaMetric('InvoicesIssued', { period: day }),
            kokonaMetric('YenBilled', { period: day }),
          ]),
          graph('Compensation (yen)', [kokonaMetric('CompensationYen', { period: day })]),
        ],
        [
          graph('Notices: sent, delivered, bounced, complained, rejected', [
            kokonaMetric('NoticesSent', { period: day }),
            kokonaMetric('NoticesDelivered', { period: day }),
            kokonaMetric('NoticesBounced', { period: day }),
            kokonaMetric('NoticesComplained', { period: day }),
            kokonaMetric('NoticesRejected', { period: day }),
          ]),
          graph('Desktops: created, failed, drifted', [
            kokonaMetric('DesktopsCreated', { period: day }),
            kokonaMetric('DesktopsFailed', { period: day }),
            drift.with({ label: 'desktops drifted' }),
          ]),
          graph('SES reputation', [bounceRate.with({ label: 'bounce rate' }), complaintRate.with({ label: 'complaint rate' })]),
        ],
        [
          graph(
            'Queues: oldest message (s)',
            queues.map(([name, q]) =>
              q.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum', label: name }),
            ),
          ),
          graph(
            'Queues: visible messages, DLQs',
            queues.flatMap(([name, q]) => [
              q.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label: name }),
              q.dlq.queue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(5),
                statistic: 'Maximum',
                label: `${name} DLQ`,
              }),
            ]),
          ),
          graph('DynamoDB throttles', [throttles]),
        ],
        [
          graph(
            'Functions: errors',
            props.functions.map((f) => f.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })),
            12,
          ),
          graph(
            'Functions: duration p95 (ms)',
            props.functions.map((f) => f.metricDuration({ period: Duration.minutes(5), statistic: 'p95' })),
            12,
          ),
        ],
      ],
    });
  }
}
