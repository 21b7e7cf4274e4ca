/**
 * JobsStack — the scheduled and queue-driven work:
 *
 *   EventBridge Scheduler 00:05 Asia/Tokyo → daily-run ─(lifecycle queue)→ lifecycle-worker
 *   EventBridge Scheduler HH:00 Asia/Tokyo → outage-watch
 *   daily-run, lifecycle-worker, outage-watch (and the api) ─(mail queue)→ mailer → SES
 *                                                          ─(desktops queue)→ provisioner → WorkSpaces
 *
 *   S3 bank-files bucket (Object Created, EventBridge) → bank-import
 *   SES (configuration set events) → EventBridge default bus ─rule→ mail-events queue → ses-events
 *
 * Every queue has a DLQ with a depth alarm and an age-of-oldest-message alarm; every function alarms
 * on errors (an SQS batch that failed whole is an error: functions/sqs.ts) and throttles; the
 * Operations construct adds the daily-run, DynamoDB, SES and desktop-drift alarms and the dashboard.
 * Alarms go to one SNS topic (encrypted with a key CloudWatch may use) mailed to `alarmEmail`.
 */
import { Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Config } from '#domain/config.ts';
import { BackofficeFunction } from '../constructs/backoffice-function.ts';
import { grantTableReadWrite } from '../constructs/table-access.ts';
import { Operations } from '../constructs/operations.ts';
import { bucketNameFor, grantObjects } from '../constructs/bucket-access.ts';
import { DeadLetterQueue, WorkQueue } from '../constructs/work-queue.ts';

/** The daily run: 00:05 in Japan (DETAILS S5), whatever the UTC offset of the region. */
export const DAILY_RUN_CRON = { minute: '5', hour: '0', timeZone: TimeZone.ASIA_TOKYO } as const;
/** The outage watcher: every hour on the hour (DETAILS O3; `rate(1 hour)` would not be aligned to HH:00). */
export const OUTAGE_WATCH_CRON = { minute: '0', timeZone: TimeZone.ASIA_TOKYO } as const;

/** The mailer's concurrency cap; also its env MAILER_CONCURRENCY, by which each instance divides the SES rate. */
export const MAILER_CONCURRENCY = 2;
/** W9: the reconciler, once a day after the daily run (01:05 JST). */
export const RECONCILER_CRON = { minute: '5', hour: '1', timeZone: TimeZone.ASIA_TOKYO } as const;

export interface JobsStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  /** Names the money-in buckets of the data stack (constructs/bucket-access.ts). */
  readonly stage: string;
  readonly configJson: string;
  readonly config: Config;
  readonly alarmEmail: string;
  /** ARNs the mailer may send through (SES identity and configuration set). */
  readonly ses: { readonly identityArn: string; readonly configurationSetArn: string; readonly configurationSetName: string };
}

export class JobsStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly lifecycleQueue: WorkQueue;
  readonly mailQueue: WorkQueue;
  readonly desktopQueue: WorkQueue;
  readonly mailEventsQueue: WorkQueue;
  readonly sesEvents: BackofficeFunction<'ses-events'>;
  readonly operations: Operations;
  readonly dailyRun: BackofficeFunction<'daily-run'>;
  readonly lifecycleWorker: BackofficeFunction<'lifecycle-worker'>;
  readonly mailer: BackofficeFunction<'mailer'>;
  readonly bankImport: BackofficeFunction<'bank-import'>;
  readonly provisioner: BackofficeFunction<'provisioner'>;
  readonly reconciler: BackofficeFunction<'reconciler'>;
  readonly reconcilerSchedule: scheduler.Schedule;
  /** W3: wraps the data keys of stored initial passwords. */
  readonly kitKey: kms.Key;
  readonly outageWatch: BackofficeFunction<'outage-watch'>;
  readonly dailyRunSchedule: scheduler.Schedule;
  readonly outageWatchSchedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    const { table, configJson } = props;

    // ── alarms ────────────────────────────────────────────────────────────────────────────────
    // SNS encryption with the AWS-managed aws/sns key would stop CloudWatch from publishing; this
    // key lets the CloudWatch service principal use it (the statement AWS documents for alarms on
    // encrypted topics; a SourceAccount condition is not documented for it and would risk silent
    // alarm loss).
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the kokona alarm topic (CloudWatch alarms publish to it)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'kokona back office alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    // ── queues ────────────────────────────────────────────────────────────────────────────────
    const alarmTopic = this.alarmTopic;
    // maxAge: how long the oldest message may wait before someone is paged (an April-1st fan-out drains
    // within the hour; mails wait for the SES rate; a desktop job retries WorkSpaces for up to ~1.5 h).
    this.lifecycleQueue = new WorkQueue(this, 'LifecycleQueue', {
      description: 'kokona lifecycle (daily-run → lifecycle-worker)',
      visibilityTimeout: Duration.minutes(6),
      maxAge: Duration.hours(1),
      alarmTopic,
    });
    this.mailQueue = new WorkQueue(this, 'MailQueue', {
      description: 'kokona mail (→ mailer → SES)',
      visibilityTimeout: Duration.minutes(3),
      maxAge: Duration.hours(2),
      alarmTopic,
    });
    this.desktopQueue = new WorkQueue(this, 'DesktopQueue', {
      description: 'kokona desktops (→ provisioner → WorkSpaces)',
      visibilityTimeout: Duration.minutes(18),
      maxAge: Duration.hours(2),
      alarmTopic,
    });
    this.mailEventsQueue = new WorkQueue(this, 'MailEventsQueue', {
      description: 'kokona mail events (SES → EventBridge → ses-events)',
      visibilityTimeout: Duration.minutes(3),
      maxAge: Duration.hours(1),
      alarmTopic,
    });
    const dailyRunFailures = new DeadLetterQueue(this, 'DailyRunFailures', {
      description: 'kokona daily-run (scheduler delivery or run failed)',
      alarmTopic,
    });
    const outageWatchFailures = new DeadLetterQueue(this, 'OutageWatchFailures', {
      description: 'kokona outage-watch (scheduler delivery or run failed)',
      alarmTopic,
    });

    // ── functions ─────────────────────────────────────────────────────────────────────────────
    const common = { TABLE_NAME: table.tableName, CONFIG_JSON: configJson };
    const outboxQueues = { MAIL_QUEUE_URL: this.mailQueue.queue.queueUrl, DESKTOP_QUEUE_URL: this.desktopQueue.queue.queueUrl };

    this.dailyRun = new BackofficeFunction(this, 'DailyRun', {
      name: 'daily-run',
      description: "Daily run at 00:05 JST: relays pending outbox items, fans out the day's wake-ups to the lifecycle queue",
      environment: { ...common, ...outboxQueues, LIFECYCLE_QUEUE_URL: this.lifecycleQueue.queue.queueUrl },
      timeout: Duration.minutes(10),
      async: { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: dailyRunFailures.queue },
    });
    this.lifecycleWorker = new BackofficeFunction(this, 'LifecycleWorker', {
      name: 'lifecycle-worker',
      description: 'Advances one unit to a business date (SQS lifecycle queue)',
      environment: { ...common, ...outboxQueues },
      timeout: Duration.minutes(1),
    });
    this.mailer = new BackofficeFunction(this, 'Mailer', {
      name: 'mailer',
      description: 'Sends one notice per message through SES (SQS mail queue)',
      environment: {
        ...common,
        SES_CONFIGURATION_SET: props.ses.configurationSetName,
        MAILER_CONCURRENCY: String(MAILER_CONCURRENCY),
        ARCHIVE_BUCKET: bucketNameFor(props.stage, 'archive'),
        INVOICE_FONT_PATH: 'fonts/NotoSansJP-Regular.ttf',
      },
      memorySize: 1024,
      timeout: Duration.seconds(30),
    });
    grantObjects(this, 'MailerArchiveAccess', this.mailer, props.stage, 'archive', ['s3:PutObject']);
    const bankImportFailures = new DeadLetterQueue(this, 'BankImportFailures', {
      description: 'kokona bank-import (a dropped bank file could not be imported)',
      alarmTopic,
    });
    this.bankImport = new BackofficeFunction(this, 'BankImport', {
      name: 'bank-import',
      description: 'Imports a 全銀 file dropped in the bank-files bucket (S3 ObjectCreated), like POST /bank-files',
      environment: { ...common, ...outboxQueues },
      memorySize: 1024,
      timeout: Duration.minutes(15),
      async: { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: bankImportFailures.queue },
    });
    grantObjects(this, 'BankImportReadAccess', this.bankImport, props.stage, 'bank-files', ['s3:GetObject'], 'incoming/');
    grantObjects(this, 'BankImportResultAccess', this.bankImport, props.stage, 'bank-files', ['s3:PutObject'], 'results/');
    // Through EventBridge (the bucket sends its events there): no cross-stack cycle, no notification custom resource.
    new events.Rule(this, 'BankFileDropped', {
      description: 'A 全銀 file created under incoming/ in the bank-files bucket → bank-import',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [bucketNameFor(props.stage, 'bank-files')] }, object: { key: [{ prefix: 'incoming/' }] } },
      },
      targets: [new eventsTargets.LambdaFunction(this.bankImport, { retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    this.outageWatch = new BackofficeFunction(this, 'OutageWatch', {
      name: 'outage-watch',
      description: 'Hourly: outage_threshold_reached notices and the settlement of ended outages (Art 35)',
      environment: { ...common, ...outboxQueues },
      timeout: Duration.minutes(5),
      async: { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: outageWatchFailures.queue },
    });
    // W3: initial passwords are stored sealed under this key (envelope: GenerateDataKey / Decrypt) until the kit is fetched.
    this.kitKey = new kms.Key(this, 'AccountKitKey', {
      description: 'kokona: wraps the data keys of stored initial passwords until the account kit is fetched (W3)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.provisioner = new BackofficeFunction(this, 'Provisioner', {
      name: 'provisioner',
      description: 'Directory users, WorkSpaces and account-kit passwords: one step of a desktop job per message (SQS desktops queue)',
      environment: { ...common, ...outboxQueues, KIT_KEY_ID: this.kitKey.keyArn },
      timeout: Duration.minutes(3),
    });
    this.reconciler = new BackofficeFunction(this, 'Reconciler', {
      name: 'reconciler',
      description: 'Daily after the daily run: desired vs actual WorkSpaces, repairs ours, reports the rest (W9)',
      environment: { ...common, KIT_KEY_ID: this.kitKey.keyArn },
      timeout: Duration.minutes(10),
      async: { retryAttempts: 1, maxEventAge: Duration.hours(2), deadLetterQueue: dailyRunFailures.queue },
    });

    this.sesEvents = new BackofficeFunction(this, 'SesEvents', {
      name: 'ses-events',
      description: 'Records SES delivery events on their notices; notice_bounced to the operator (SQS mail-events queue)',
      environment: { ...common, ...outboxQueues },
      timeout: Duration.seconds(30),
    });

    // ── grants: each function gets what its composition root uses, nothing more ────────────────
    for (const fn of [
      this.dailyRun,
      this.lifecycleWorker,
      this.mailer,
      this.provisioner,
      this.outageWatch,
      this.reconciler,
      this.sesEvents,
      this.bankImport,
    ]) {
      grantTableReadWrite(fn, 'TableAccess', table, fn);
      fn.addAlarms(alarmTopic);
    }
    this.lifecycleQueue.queue.grantSendMessages(this.dailyRun);
    for (const fn of [this.dailyRun, this.lifecycleWorker, this.outageWatch, this.provisioner, this.sesEvents, this.bankImport]) {
      this.mailQueue.queue.grantSendMessages(fn);
      this.desktopQueue.queue.grantSendMessages(fn);
    }
    grantSendRawEmail(this.mailer, props.ses);
    grantWorkspaces(this.provisioner, props.config.workspaces, 'Provisioner');
    grantWorkspaces(this.reconciler, props.config.workspaces, 'Reconciler');
    grantDirectoryUsers(this.provisioner, props.config.workspaces);
    this.kitKey.grant(this.provisioner, 'kms:GenerateDataKey');

    // ── consumers ─────────────────────────────────────────────────────────────────────────────
    this.lifecycleQueue.consumeWith(this.lifecycleWorker, { batchSize: 10, maxConcurrency: 20 });
    // Each mailer instance paces itself at mail.sendRatePerSecond / MAILER_CONCURRENCY (PacedMailer), and
    // at most MAILER_CONCURRENCY instances run, so the account stays within its SES rate; the SDK retries
    // a "Maximum sending rate exceeded" throttle. (An event-source maxConcurrency, unlike reserved
    // concurrency, needs no spare account quota.)
    this.mailQueue.consumeWith(this.mailer, { batchSize: 2, maxConcurrency: MAILER_CONCURRENCY });
    // WorkSpaces APIs throttle early; one job per invocation, two at a time.
    this.desktopQueue.consumeWith(this.provisioner, { batchSize: 1, maxConcurrency: 2 });
    this.mailEventsQueue.consumeWith(this.sesEvents, { batchSize: 10, maxConcurrency: 2 });

    // ── SES delivery events: this configuration set's events on the default bus → mail-events queue ──
    new events.Rule(this, 'MailEventsRule', {
      description: 'kokona: SES delivery, bounce, complaint and reject events of the back office configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Delivered', 'Email Bounced', 'Email Complaint Received', 'Email Rejected'],
        detail: { mail: { tags: { 'ses:configuration-set': [props.ses.configurationSetName] } } },
      },
      targets: [
        new eventsTargets.SqsQueue(this.mailEventsQueue.queue, {
          deadLetterQueue: this.mailEventsQueue.dlq.queue,
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    // ── alarms beyond each queue's and function's, and the dashboard ───────────────────────────
    this.operations = new Operations(this, 'Operations', {
      table,
      alarmTopic,
      queues: { lifecycle: this.lifecycleQueue, mail: this.mailQueue, desktops: this.desktopQueue, 'mail-events': this.mailEventsQueue },
      functions: [this.dailyRun, this.lifecycleWorker, this.mailer, this.provisioner, this.outageWatch, this.reconciler, this.sesEvents],
    });

    // ── schedules ─────────────────────────────────────────────────────────────────────────────
    // Both handlers take their date/hour from the scheduled time, not the invocation time, so a retry
    // hours later still runs the right business date (00:05 JST = 15:05Z the day before) or hour.
    this.dailyRunSchedule = this.scheduleInTokyo('DailyRunSchedule', this.dailyRun, {
      description: 'kokona daily run, 00:05 Asia/Tokyo',
      cron: DAILY_RUN_CRON,
      retryAttempts: 10,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: dailyRunFailures.queue,
    });
    this.reconcilerSchedule = this.scheduleInTokyo('ReconcilerSchedule', this.reconciler, {
      description: 'kokona desktop reconciler, 01:05 Asia/Tokyo (after the daily run)',
      cron: RECONCILER_CRON,
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: dailyRunFailures.queue,
    });
    this.outageWatchSchedule = this.scheduleInTokyo('OutageWatchSchedule', this.outageWatch, {
      description: 'kokona outage watch, every hour at HH:00 Asia/Tokyo',
      cron: OUTAGE_WATCH_CRON,
      retryAttempts: 3,
      maxEventAge: Duration.minutes(50),
      deadLetterQueue: outageWatchFailures.queue,
    });
  }

  /**
   * An EventBridge Scheduler schedule (the only scheduler with time zones; `events.Rule` cron is UTC)
   * invoking `fn` with `{ "scheduledTime": <aws.scheduler.scheduled-time> }`, with retries and a DLQ,
   * through a role only EventBridge Scheduler of this account's default group may assume.
   */
  private scheduleInTokyo(
    id: string,
    fn: BackofficeFunction,
    opts: {
      description: string;
      cron: scheduler.CronOptionsWithTimezone;
      retryAttempts: number;
      maxEventAge: Duration;
      deadLetterQueue: sqs.IQueue;
    },
  ): scheduler.Schedule {
    const role = new iam.Role(this, `${id}Role`, {
      description: `EventBridge Scheduler: invoke ${fn.functionKey}, send undeliverable events to its DLQ`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    const schedule = new scheduler.Schedule(this, id, {
      description: opts.description,
      schedule: scheduler.ScheduleExpression.cron(opts.cron),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(fn, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: opts.retryAttempts,
        maxEventAge: opts.maxEventAge,
        deadLetterQueue: opts.deadLetterQueue,
        role,
      }),
    });
    // cdk-nag: LambdaInvoke grants lambda:InvokeFunction on the function ARN and "<arn>:*".
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason: `The scheduler role may invoke the ${fn.functionKey} function only; "<arn>:*" covers its versions/aliases, as the aws-scheduler-targets LambdaInvoke grant writes it`,
    });
    return schedule;
  }
}

/** ses:SendRawEmail on the identity and the configuration set, nothing else (no SendEmail, no other identity). */
function grantSendRawEmail(fn: BackofficeFunction, ses: JobsStackProps['ses']): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendRawEmail'], resources: [ses.identityArn, ses.configurationSetArn] }));
}

/**
 * WorkSpaces for the provisioner and the reconciler: create in the configured directory from the
 * configured bundle (tagged, so workspaces:CreateTags too); stop, suspend/resume and terminate only
 * desktops tagged `kokona:unit` (condition aws:ResourceTag, supported on the workspace resource type);
 * Describe* have no resource-level permissions.
 */
export function grantWorkspaces(fn: BackofficeFunction, ws: Config['workspaces'], prefix: string): void {
  const stack = Stack.of(fn);
  const arn = (resource: string, resourceName: string, account = stack.account) =>
    stack.formatArn({ service: 'workspaces', resource, resourceName, account });
  const anyWorkspace = arn('workspace', '*');
  const policy = new iam.Policy(stack, `${prefix}WorkspacesPolicy`, {
    statements: [
      new iam.PolicyStatement({
        sid: 'CreateInTheConfiguredDirectoryFromTheConfiguredBundle',
        actions: ['workspaces:CreateWorkspaces', 'workspaces:CreateTags'],
        resources: [
          arn('directory', ws.directoryId),
          arn('workspacebundle', ws.bundleId),
          // Amazon-owned public bundles have no account in their ARN.
          arn('workspacebundle', ws.bundleId, ''),
          anyWorkspace,
        ],
      }),
      new iam.PolicyStatement({
        sid: 'StopSuspendResumeTerminateOnlyOurDesktops',
        actions: ['workspaces:TerminateWorkspaces', 'workspaces:ModifyWorkspaceState', 'workspaces:StopWorkspaces'],
        resources: [anyWorkspace],
        conditions: { StringLike: { 'aws:ResourceTag/kokona:unit': '*' } },
      }),
      new iam.PolicyStatement({
        sid: 'DescribeHasNoResourceLevelPermissions',
        actions: ['workspaces:DescribeWorkspaces', 'workspaces:DescribeTags'],
        resources: ['*'],
      }),
    ],
  });
  policy.attachToRole(fn.role!);
  Validations.of(policy).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:<AWS::Region>:<AWS::AccountId>:workspace/*]',
      reason:
        'WorkSpace ids are assigned by CreateWorkspaces at run time; stop, state changes and termination are limited to desktops tagged kokona:unit (aws:ResourceTag condition)',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'workspaces:DescribeWorkspaces and DescribeTags support no resource-level permissions (Service Authorization Reference); desktops are looked up by id and by directory',
    },
  );
}

/** W1: the directory's users (Directory Service Data API) and their initial passwords (ds:ResetUserPassword), this directory only. */
function grantDirectoryUsers(fn: BackofficeFunction, ws: Config['workspaces']): void {
  const stack = Stack.of(fn);
  const directory = stack.formatArn({ service: 'ds', resource: 'directory', resourceName: ws.directoryId });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'DirectoryUsersOfTheConfiguredDirectory',
      actions: [
        'ds-data:CreateUser',
        'ds-data:DescribeUser',
        'ds-data:DeleteUser',
        'ds-data:DisableUser',
        'ds:ResetUserPassword',
        'ds:AccessDSData',
      ],
      resources: [directory],
    }),
  );
}
