/**
 * Queues of the back office. `DeadLetterQueue`: where failed messages wait for an operator, with an
 * alarm as soon as one arrives. `WorkQueue`: a job queue (SSE, TLS only) whose messages move to its
 * DLQ after `maxReceiveCount` failed receives, consumed by one function with partial batch
 * responses (the handlers return `batchItemFailures`, functions/sqs.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A failed message is retried this many receives before it goes to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

export interface DeadLetterQueueProps {
  readonly description: string;
  readonly alarmTopic: sns.ITopic;
}

export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.alarm = new cloudwatch.Alarm(this, 'DepthAlarm', {
      alarmDescription: `${props.description}: messages are waiting in the dead-letter queue`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}

export interface WorkQueueProps {
  readonly description: string;
  /** Alarm when the oldest message waits this long (the queue is not being drained). */
  readonly maxAge: Duration;
  /** At least the consumer's timeout (AWS advises 6×, so retries of a slow batch do not overlap). */
  readonly visibilityTimeout: Duration;
  readonly alarmTopic: sns.ITopic;
}

export interface ConsumerOptions {
  readonly batchSize: number;
  /** Concurrent invocations the event source may run (2 … 1000). */
  readonly maxConcurrency: number;
  readonly maxBatchingWindow?: Duration;
}

export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: DeadLetterQueue;
  readonly ageAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.dlq = new DeadLetterQueue(this, 'Dlq', { description: props.description, alarmTopic: props.alarmTopic });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.dlq.queue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.ageAlarm = new cloudwatch.Alarm(this, 'AgeAlarm', {
      alarmDescription: `${props.description}: the oldest message has waited over ${props.maxAge.toHumanString()} (consumer stopped, throttled or failing)`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: props.maxAge.toSeconds(),
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.ageAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }

  /** The one consumer: partial batch responses, bounded concurrency. */
  consumeWith(fn: lambda.IFunction, opts: ConsumerOptions): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: opts.batchSize,
        maxConcurrency: opts.maxConcurrency,
        reportBatchItemFailures: true,
        ...(opts.maxBatchingWindow ? { maxBatchingWindow: opts.maxBatchingWindow } : {}),
      }),
    );
  }
}
