/**
 * What matters in the synthesized templates (not whole-template snapshots): IAM auth on every route,
 * the schedule and its time zone, queues with DLQs and alarms, PITR and retention of the table,
 * least-privilege grants, and each function's environment equal to what its composition root parses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSI1, tableDefinition } from '#adapters/dynamodb/table.ts';
import { envKeys, envSchemas, parseEnv, type FunctionName } from '#runtime/env.ts';
import { API_ROUTES } from '#runtime/openapi.ts';
import { HOUSE_ENV_KEYS, LOCAL_ONLY_ENV, lambdaEnvKeys } from '../../infra/cdk/constructs/backoffice-function.ts';
import { MAX_RECEIVE_COUNT } from '../../infra/cdk/constructs/work-queue.ts';
import { API_THROTTLE, KIT_ROUTE_THROTTLE } from '../../infra/cdk/stacks/api-stack.ts';
import { TEST_WORKSPACES, templates } from './cdk-app.ts';

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;

const ROOT = join(import.meta.dirname, '..', '..');
const FUNCTIONS = Object.keys(envSchemas) as FunctionName[];

let t: ReturnType<typeof templates>;
beforeAll(() => {
  t = templates();
}, 180_000); // one synth of three stacks: slow on a loaded 2-core machine

const resources = (tpl: Template, type: string) => tpl.findResources(type) as Resources;
const allTemplates = () => [t.dataT, t.jobsT, t.apiT];

/** The Lambda functions of all stacks by their POWERTOOLS_SERVICE_NAME (kokona-<name>). */
function lambdas(): Map<FunctionName, { tpl: Template; logicalId: string; props: Record<string, any> }> {
  const out = new Map<FunctionName, { tpl: Template; logicalId: string; props: Record<string, any> }>();
  for (const tpl of allTemplates()) {
    for (const [logicalId, r] of Object.entries(resources(tpl, 'AWS::Lambda::Function'))) {
      const props = r.Properties as Record<string, any>;
      const service = props.Environment?.Variables?.POWERTOOLS_SERVICE_NAME as string;
      out.set(service.replace(/^kokona-/, '') as FunctionName, { tpl, logicalId, props });
    }
  }
  return out;
}

/** Every IAM action granted to a function's role (all policies attached to it), with its resources. */
function grantsOf(name: FunctionName): { action: string; resource: unknown }[] {
  const fn = lambdas().get(name)!;
  const roleRef = fn.props.Role['Fn::GetAtt'][0] as string;
  const out: { action: string; resource: unknown }[] = [];
  for (const policy of Object.values(resources(fn.tpl, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
    if (!roles.includes(roleRef)) continue;
    for (const s of (policy.Properties.PolicyDocument as { Statement: any[] }).Statement) {
      expect(s.Effect).toBe('Allow');
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const res = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      for (const a of actions) for (const r of res) out.push({ action: a, resource: r });
    }
  }
  return out;
}
/** The one schedule whose target is the function. */
const scheduleOf = (name: FunctionName) => {
  const fnId = lambdas().get(name)!.logicalId;
  const found = Object.values(resources(t.jobsT, 'AWS::Scheduler::Schedule')).filter(
    (r) => JSON.stringify((r.Properties.Target as { Arn: unknown }).Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
  );
  expect(found, `one schedule for ${name}`).toHaveLength(1);
  return found[0]!.Properties as Record<string, any>;
};

const actionsOf = (name: FunctionName) => [...new Set(grantsOf(name).map((g) => g.action))].sort();

describe('DataStack', () => {
  it('keeps the invoice archive write-once: Object Lock in compliance mode for archive.retentionYears (MONEY-IN A1)', () => {
    const buckets = Object.values(resources(t.dataT, 'AWS::S3::Bucket')).filter((b) => b.Properties.ObjectLockEnabled);
    expect(buckets).toHaveLength(1);
    const p = buckets[0]!.Properties;
    expect(p.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(buckets[0]!.DeletionPolicy).toBe('Retain');
  });
  it("sends the bank-files bucket's object-created events to EventBridge, where a rule runs bank-import", () => {
    const drop = Object.values(resources(t.dataT, 'AWS::S3::Bucket')).filter((b) => b.Properties.NotificationConfiguration);
    expect(drop.map((b) => b.Properties.NotificationConfiguration)).toEqual([{ EventBridgeConfiguration: { EventBridgeEnabled: true } }]);
    const rules = Object.values(resources(t.jobsT, 'AWS::Events::Rule'));
    expect(
      rules.some(
        (r) =>
          JSON.stringify(r.Properties.EventPattern).includes('Object Created') &&
          JSON.stringify(r.Properties.EventPattern).includes('incoming/'),
      ),
    ).toBe(true);
  });
  it('mirrors shared/adapters/dynamodb/table.ts exactly: pk/sk, every GSI with its keys and projection, on-demand', () => {
    const def = tableDefinition('x');
    t.dataT.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [table] = Object.values(resources(t.dataT, 'AWS::DynamoDB::Table'));
    const p = table!.Properties as Record<string, any>;
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(xs: T[]) =>
      [...xs].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
    expect(p.BillingMode).toBe(def.BillingMode);
    expect(p.KeySchema).toEqual(def.KeySchema);
    expect(byName(p.AttributeDefinitions)).toEqual(byName(def.AttributeDefinitions!));
    expect(byName(p.GlobalSecondaryIndexes)).toEqual(byName(def.GlobalSecondaryIndexes!));
    expect(p.GlobalSecondaryIndexes.map((g: { IndexName: string }) => g.IndexName)).toContain(GSI1);
  });

  it('is stateful: PITR, KMS encryption, deletion protection, retained on delete and replace', () => {
    t.dataT.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true }, // AWS-managed KMS key (aws/dynamodb)
        DeletionProtectionEnabled: true,
      }),
    });
    t.dataT.hasResource('AWS::SES::EmailIdentity', { DeletionPolicy: 'Retain' });
    t.dataT.hasResource('AWS::SES::ConfigurationSet', { DeletionPolicy: 'Retain' });
  });

  it('sets up the SES identity from context with the configuration set as its default', () => {
    t.dataT.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'kokona-work.example',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') } },
    });
    t.dataT.hasResourceProperties('AWS::SES::ConfigurationSet', { ReputationOptions: { ReputationMetricsEnabled: true } });
    // A domain identity needs its three DKIM CNAMEs published: they are stack outputs.
    expect(Object.keys(t.dataT.findOutputs('*')).filter((k) => k.startsWith('DkimRecord'))).toHaveLength(3);
  });
});

describe('ApiStack', () => {
  it('has exactly the routes of the route table, each with the Cognito JWT authorizer', () => {
    const routes = Object.values(resources(t.apiT, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // W3: the account kit link is the one route without the JWT authorizer.
    for (const r of routes)
      expect(r.Properties.AuthorizationType, String(r.Properties.RouteKey)).toBe(
        r.Properties.RouteKey === 'GET /kit/{token}' ? 'NONE' : 'JWT',
      );
  });

  it('sends every route to the one api function', () => {
    t.apiT.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    t.apiT.resourceCountIs('AWS::Lambda::Function', 1);
    t.apiT.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('W3, W7, W8: the kit route has its own throttle; stop, suspend and terminate reach only desktops tagged kokona:unit', () => {
    t.apiT.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /kit/{token}': { ThrottlingRateLimit: KIT_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: KIT_ROUTE_THROTTLE.burstLimit },
      },
    });
    type Statement = { Action: string | string[]; Condition?: unknown };
    const statements = Object.values(resources(t.jobsT, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties as unknown as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    );
    const acts = (st: { Action: string | string[] }) => [st.Action].flat();
    for (const action of ['workspaces:TerminateWorkspaces', 'workspaces:ModifyWorkspaceState', 'workspaces:StopWorkspaces']) {
      const granting = statements.filter((st) => acts(st).includes(action));
      expect(granting.length, action).toBeGreaterThan(0);
      for (const st of granting) expect(st.Condition, action).toEqual({ StringLike: { 'aws:ResourceTag/kokona:unit': '*' } });
    }
  });

  it('logs access as JSON to a log group with a retention and throttles the stage', () => {
    t.apiT.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    t.apiT.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('alarms on 5xx responses', () => {
    t.apiT.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('JobsStack', () => {
  it.each([
    ['daily-run', 'cron(5 0 * * ? *)', /^DailyRunFailuresQueue/],
    ['outage-watch', 'cron(0 * * * ? *)', /^OutageWatchFailuresQueue/],
  ] as const)('schedules %s at %s Asia/Tokyo with the scheduled time as input, retries and a DLQ', (name, expression, dlq) => {
    const p = scheduleOf(name);
    expect(p).toMatchObject({
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(dlq), 'Arn'] } },
      },
    });
    // The function's own asynchronous retries end in the same DLQ.
    const fn = lambdas().get(name)!;
    expect(fn.props.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [expect.stringMatching(dlq), 'Arn'] } });
    t.jobsT.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fn.logicalId }, MaximumRetryAttempts: 2 });
  });

  it('has no other schedule', () => {
    t.jobsT.resourceCountIs('AWS::Scheduler::Schedule', 3); // daily run, outage watch, reconciler (W9)
  });

  it('gives each job queue a DLQ with redrive, SSE and TLS-only access', () => {
    const queues = resources(t.jobsT, 'AWS::SQS::Queue');
    const work = Object.entries(queues).filter(([, q]) => q.Properties.RedrivePolicy);
    expect(work.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'DesktopQueue',
      'LifecycleQueue',
      'MailEventsQueue',
      'MailQueue',
    ]);
    for (const [id, q] of work) {
      const redrive = q.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number };
      expect(redrive.maxReceiveCount, id).toBe(MAX_RECEIVE_COUNT);
      expect(queues[redrive.deadLetterTargetArn['Fn::GetAtt'][0]], `${id}'s DLQ`).toBeDefined();
    }
    for (const [id, q] of Object.entries(queues)) expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
    const policies = Object.values(resources(t.jobsT, 'AWS::SQS::QueuePolicy'));
    const tlsOnly = policies.filter((p) =>
      (p.Properties.PolicyDocument as { Statement: any[] }).Statement.some(
        (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );
    expect(tlsOnly.flatMap((p) => p.Properties.Queues as unknown[])).toHaveLength(Object.keys(queues).length);
  });

  it('alarms on the depth of every DLQ, into the alarm topic', () => {
    const queues = resources(t.jobsT, 'AWS::SQS::Queue');
    const dlqIds = Object.keys(queues).filter((id) => !queues[id]!.Properties.RedrivePolicy);
    expect(dlqIds).toHaveLength(7); // lifecycle, mail, desktops, mail events; daily-run, outage-watch and bank-import failures
    const alarms = Object.values(resources(t.jobsT, 'AWS::CloudWatch::Alarm'));
    for (const id of dlqIds) {
      const alarm = alarms.find(
        (a) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(`"${id}"`),
      );
      expect(alarm, `alarm on ${id}`).toBeDefined();
      expect(alarm!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(JSON.stringify(alarm!.Properties.AlarmActions)).toMatch(/AlarmTopic/);
    }
  });

  it('alarms on errors and throttles of every function', () => {
    const all = allTemplates().flatMap((tpl) => Object.values(resources(tpl, 'AWS::CloudWatch::Alarm')));
    for (const [name, fn] of lambdas()) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = all.some(
          (a) => a.Properties.MetricName === metric && JSON.stringify(a.Properties.Dimensions).includes(`"${fn.logicalId}"`),
        );
        expect(found, `${metric} alarm of ${name}`).toBe(true);
      }
    }
  });

  it('mails alarms through an encrypted, TLS-only topic to alarmEmail', () => {
    t.jobsT.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.jobsT.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@kokona-work.example' });
    t.jobsT.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    t.jobsT.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
  });

  it('consumes each queue with partial batch responses and bounded concurrency (the mailer: 2)', () => {
    const mappings = Object.values(resources(t.jobsT, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties as Record<string, any>);
    expect(mappings).toHaveLength(4);
    for (const m of mappings) expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const byFunction = (name: FunctionName) => mappings.find((m) => m.FunctionName.Ref === lambdas().get(name)!.logicalId)!;
    expect(byFunction('lifecycle-worker').EventSourceArn['Fn::GetAtt'][0]).toMatch(/^LifecycleQueue/);
    expect(byFunction('mailer')).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^MailQueue/), 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(byFunction('provisioner')).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^DesktopQueue/), 'Arn'] },
      BatchSize: 1,
    });
  });

  it('keeps every queue visibility timeout above its consumer timeout', () => {
    const queues = resources(t.jobsT, 'AWS::SQS::Queue');
    for (const m of Object.values(resources(t.jobsT, 'AWS::Lambda::EventSourceMapping'))) {
      const props = m.Properties as Record<string, any>;
      const queue = queues[props.EventSourceArn['Fn::GetAtt'][0]]!;
      const fn = [...lambdas().values()].find((f) => f.logicalId === props.FunctionName.Ref)!;
      expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * fn.props.Timeout);
    }
  });
});

describe('operability: alarms that fire, the dashboard, SES delivery events, TTL', () => {
  type AlarmProps = Record<string, any>;
  const alarms = () => Object.values(resources(t.jobsT, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties as AlarmProps);
  const byDescription = (re: RegExp) => alarms().filter((a) => re.test(String(a.AlarmDescription)));
  const topicOf = (a: AlarmProps) => JSON.stringify(a.AlarmActions);

  it('alarms when the daily run has not completed by 01:00 JST, also when nothing reported (missing data breaches)', () => {
    const [a] = byDescription(/daily run has not completed/);
    expect(a).toMatchObject({
      Namespace: 'Kokona',
      MetricName: 'DailyRunOwedDays',
      Dimensions: [{ Name: 'service', Value: 'kokona' }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
    expect(topicOf(a!)).toContain('AlarmTopic');
  });

  it('alarms on the age of the oldest message of every work queue', () => {
    const ages = alarms().filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(ages.map((a) => String(a.AlarmDescription).split(':')[0]).sort()).toEqual([
      'kokona desktops (→ provisioner → WorkSpaces)',
      'kokona lifecycle (daily-run → lifecycle-worker)',
      'kokona mail (→ mailer → SES)',
      'kokona mail events (SES → EventBridge → ses-events)',
    ]);
    for (const a of ages)
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    expect(ages.map((a) => a.Threshold).sort()).toEqual([3600, 3600, 7200, 7200]);
  });

  it('alarms on DynamoDB throttling of the table and both indexes', () => {
    const [a] = byDescription(/DynamoDB throttled/);
    const metrics = (
      a!.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[]
    ).filter((m) => m.MetricStat);
    expect(metrics.map((m) => m.MetricStat!.Metric.MetricName).sort()).toEqual([
      'ReadThrottleEvents',
      'ReadThrottleEvents',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'WriteThrottleEvents',
      'WriteThrottleEvents',
    ]);
    expect(
      metrics.map((m) => m.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table').sort(),
    ).toEqual(['gsi1', 'gsi1', 'gsi2', 'gsi2', 'table', 'table']);
    expect(a).toMatchObject({ Threshold: 1, EvaluationPeriods: 2 });
  });

  it('alarms on the SES bounce (5 %) and complaint (0.1 %) rates, and on desktop drift', () => {
    expect(byDescription(/bounce rate/)[0]).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.05 });
    expect(byDescription(/complaint rate/)[0]).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
    });
    expect(byDescription(/desktop reconciler/)[0]).toMatchObject({
      Namespace: 'Kokona',
      MetricName: 'DesktopDrift',
      Dimensions: [{ Name: 'service', Value: 'kokona' }],
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('sends every alarm to the alarm topic', () => {
    for (const a of alarms()) expect(topicOf(a), String(a.AlarmDescription)).toContain('AlarmTopic');
  });

  it("has one dashboard with the day's work, queues, throttles, SES reputation and every alarm", () => {
    const dashboards = Object.values(resources(t.jobsT, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const m of [
      'DueUnits',
      'DailyRunCompleted',
      'InvoicesIssued',
      'YenBilled',
      'NoticesSent',
      'NoticesBounced',
      'DesktopsCreated',
      'DesktopsFailed',
      'CompensationYen',
      'ApproximateAgeOfOldestMessage',
      'Reputation.BounceRate',
    ])
      expect(body).toContain(m);
    expect(body).toContain('alarm');
  });

  it("sends the configuration set's delivery, bounce, complaint and reject events to EventBridge, and a rule takes them to the ses-events queue", () => {
    t.dataT.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint', 'reject']),
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
    // Two rules on the default bus: SES's delivery events here, and the bank-files bucket's Object Created (bank-import).
    const rules = Object.values(resources(t.jobsT, 'AWS::Events::Rule')).map((r) => r.Properties as Record<string, any>);
    expect(rules.map((r) => r.EventPattern.source[0]).sort()).toEqual(['aws.s3', 'aws.ses']);
    const rule = rules.find((r) => r.EventPattern.source[0] === 'aws.ses')!;
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.ses'],
      'detail-type': ['Email Delivered', 'Email Bounced', 'Email Complaint Received', 'Email Rejected'],
    });
    expect(JSON.stringify(rule.EventPattern.detail)).toContain('ses:configuration-set');
    expect(JSON.stringify(rule.Targets)).toContain('MailEventsQueue');
    expect(JSON.stringify(rule.Targets)).toContain('DeadLetterConfig');
    t.jobsT.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MailEventsQueue'), 'Arn'] },
    });
  });

  it('expires spent items with TTL on expiresAt', () => {
    t.dataT.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('BackofficeFunction house defaults', () => {
  it('builds every function of envSchemas: nodejs22.x, arm64, X-Ray, a log group with a month of retention', () => {
    const fns = lambdas();
    expect([...fns.keys()].sort()).toEqual([...FUNCTIONS].sort());
    for (const [name, { tpl, props }] of fns) {
      expect(props, name).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      const logGroupId = props.LoggingConfig.LogGroup.Ref as string;
      expect(tpl.toJSON().Resources[logGroupId].Properties.RetentionInDays, name).toBe(30);
    }
  });

  it("roles carry no managed policy (logging is granted on the function's own log group only)", () => {
    for (const tpl of allTemplates()) {
      for (const [id, role] of Object.entries(resources(tpl, 'AWS::IAM::Role')))
        expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('environment = what each composition root parses', () => {
  it('each functions/<name>/index.ts parses its own schema', () => {
    for (const name of FUNCTIONS) {
      const src = readFileSync(join(ROOT, 'functions', name, 'index.ts'), 'utf8');
      expect(
        [...src.matchAll(/parseEnv\('([^']+)'\)/g)].map((m) => m[1]),
        name,
      ).toEqual([name]);
    }
  });

  it.each(FUNCTIONS)('%s: keys are its envKeys (minus local-only) plus the house keys, and they parse', (name) => {
    const vars = lambdas().get(name)!.props.Environment.Variables as Record<string, unknown>;
    const local: readonly string[] = (LOCAL_ONLY_ENV as Partial<Record<FunctionName, readonly string[]>>)[name] ?? [];
    expect(Object.keys(vars).sort()).toEqual([...lambdaEnvKeys(name), ...HOUSE_ENV_KEYS].sort());
    expect([...lambdaEnvKeys(name), ...local].sort()).toEqual(envKeys(name).sort());
    // References (queue URLs, table name) resolve at deploy time: stand in a plausible string.
    const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `deploy-time-${k}`]));
    expect(() => parseEnv(name, env)).not.toThrow();
  });

  it('passes the context config to every function as CONFIG_JSON', () => {
    for (const [name, { props }] of lambdas()) {
      expect(JSON.parse(props.Environment.Variables.CONFIG_JSON), name).toEqual({ workspaces: TEST_WORKSPACES });
    }
  });

  it('runs the api function in JWT mode', () => {
    expect(lambdas().get('api')!.props.Environment.Variables.AUTH_MODE).toBe('jwt');
  });
});

describe('least privilege', () => {
  const TABLE_RW = [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:UpdateItem',
  ];
  const BASE = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments', ...TABLE_RW];
  const S3_READ = ['s3:GetObject'];
  const S3_PUT = ['s3:PutObject'];
  const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
  const WORKSPACES = [
    'workspaces:CreateTags',
    'workspaces:CreateWorkspaces',
    'workspaces:DescribeTags',
    'workspaces:DescribeWorkspaces',
    'workspaces:ModifyWorkspaceState',
    'workspaces:StopWorkspaces',
    'workspaces:TerminateWorkspaces',
  ];
  const DIRECTORY = [
    'ds-data:CreateUser',
    'ds-data:DeleteUser',
    'ds-data:DescribeUser',
    'ds-data:DisableUser',
    'ds:AccessDSData',
    'ds:ResetUserPassword',
  ];
  const CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
  const expected: Record<FunctionName, string[]> = {
    api: [...BASE, ...SEND, 'kms:Decrypt', ...WORKSPACES, ...S3_READ, ...S3_PUT],
    'daily-run': [...BASE, ...SEND], // + the lifecycle queue; sqs:SendMessage to its DLQ
    'lifecycle-worker': [...BASE, ...SEND, ...CONSUME],
    mailer: [...BASE, ...CONSUME, ...S3_PUT, 'ses:SendRawEmail'],
    provisioner: [...BASE, ...SEND, ...CONSUME, ...WORKSPACES, ...DIRECTORY, 'kms:GenerateDataKey'],
    reconciler: [...BASE, ...WORKSPACES, 'sqs:SendMessage'], // + sqs:SendMessage to its DLQ
    'outage-watch': [...BASE, ...SEND], // + sqs:SendMessage to its DLQ
    'ses-events': [...BASE, ...SEND, ...CONSUME], // notice_bounced goes out through the mail queue
    'bank-import': [...BASE, ...SEND, ...S3_READ, ...S3_PUT], // + sqs:SendMessage to its DLQ
  };

  it.each(FUNCTIONS)('%s has exactly the actions its composition root uses', (name) => {
    expect(actionsOf(name)).toEqual([...new Set(expected[name])].sort());
  });

  it('grants sending to exactly the queues each function writes to', () => {
    const sendTargets = (name: FunctionName) =>
      grantsOf(name)
        .filter((g) => g.action === 'sqs:SendMessage')
        .map((g) =>
          JSON.stringify(g.resource)
            .match(/"(\w+?Queue)[0-9A-F]{8}"|PublishOutputFnGetAtt(\w+?Queue)/)
            ?.slice(1)
            .find(Boolean),
        )
        .sort();
    expect(sendTargets('api')).toEqual(['DesktopQueue', 'MailQueue']);
    expect(sendTargets('daily-run')).toEqual(['DailyRunFailuresQueue', 'DesktopQueue', 'LifecycleQueue', 'MailQueue']);
    expect(sendTargets('lifecycle-worker')).toEqual(['DesktopQueue', 'MailQueue']);
    expect(sendTargets('outage-watch')).toEqual(['DesktopQueue', 'MailQueue', 'OutageWatchFailuresQueue']);
    expect(sendTargets('mailer')).toEqual([]);
    expect(sendTargets('provisioner')).toEqual(['DesktopQueue', 'MailQueue']); // W5 operator mails, delayed re-checks
    expect(sendTargets('bank-import')).toEqual(['BankImportFailuresQueue', 'DesktopQueue', 'MailQueue']);
  });

  it('names the table, and each of its GSIs for Query only (no "/index/*")', () => {
    const indexes = (tableDefinition('x').GlobalSecondaryIndexes ?? []).map((g) => g.IndexName!);
    for (const name of FUNCTIONS) {
      const dynamo = grantsOf(name).filter((g) => g.action.startsWith('dynamodb:'));
      expect(
        dynamo.some((g) => JSON.stringify(g.resource).includes('/index/*')),
        name,
      ).toBe(false);
      const onIndex = dynamo.filter((g) => JSON.stringify(g.resource).includes('/index/'));
      expect([...new Set(onIndex.map((g) => g.action))], name).toEqual(['dynamodb:Query']);
      expect(onIndex.map((g) => JSON.stringify(g.resource).match(/\/index\/([\w-]+)/)![1]).sort(), name).toEqual([...indexes].sort());
    }
  });

  it('uses Resource "*" only where the service has no resource-level permissions', () => {
    for (const name of FUNCTIONS) {
      const star = grantsOf(name)
        .filter((g) => g.resource === '*')
        .map((g) => g.action);
      for (const a of star)
        expect(
          ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'workspaces:DescribeWorkspaces', 'workspaces:DescribeTags'],
          `${name}: ${a} on *`,
        ).toContain(a);
    }
  });

  it('binds CreateWorkspaces to the configured directory and bundle', () => {
    const create = grantsOf('provisioner')
      .filter((g) => g.action === 'workspaces:CreateWorkspaces')
      .map((g) => JSON.stringify(g.resource));
    expect(create.some((r) => r.includes(`:directory/${TEST_WORKSPACES.directoryId}`))).toBe(true);
    expect(create.filter((r) => r.includes(`:workspacebundle/${TEST_WORKSPACES.bundleId}`))).toHaveLength(2);
  });

  it('lets the mailer send raw mail as the SES identity through the configuration set only', () => {
    const ses = grantsOf('mailer').filter((g) => g.action.startsWith('ses:'));
    expect(
      ses
        .map((g) => JSON.stringify(g.resource))
        .map((r) => r.match(/:(identity|configuration-set)\//)?.[1])
        .sort(),
    ).toEqual(['configuration-set', 'identity']);
  });

  it.each(['daily-run', 'outage-watch'] as const)('lets the scheduler invoke %s and nothing else', (name) => {
    const p = scheduleOf(name);
    const roleId = p.Target.RoleArn['Fn::GetAtt'][0] as string;
    const statements = Object.values(resources(t.jobsT, 'AWS::IAM::Policy'))
      .filter((pol) => (pol.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((pol) => (pol.Properties.PolicyDocument as { Statement: any[] }).Statement);
    expect(statements.map((st) => st.Action).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((st) => st.Action === 'lambda:InvokeFunction')!;
    expect(JSON.stringify(invoke.Resource)).toContain(`"${lambdas().get(name)!.logicalId}"`);
    const trust = t.jobsT.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
  });
});

describe('the console on AWS: WebStack, AuthStack, the JWT authorizer', () => {
  let webT: Template;
  let authT: Template;
  beforeAll(() => {
    webT = Template.fromStack(t.web);
    authT = Template.fromStack(t.auth);
  });
  it('serves the console from a private bucket through CloudFront with origin access control', () => {
    webT.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    webT.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    webT.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });
  it('has a user pool without self sign-up, MFA required, and the three role groups', () => {
    authT.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    const groups = Object.values(resources(authT, 'AWS::Cognito::UserPoolGroup'))
      .map((g) => g.Properties.GroupName)
      .sort();
    expect(groups).toEqual(['agent', 'operator', 'viewer']);
    authT.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['client_credentials'], GenerateSecret: true });
    authT.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'], GenerateSecret: false });
  });
  it('checks Cognito tokens with a JWT authorizer on the HTTP API', () => {
    t.apiT.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });
});
