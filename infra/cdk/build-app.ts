/**
 * Builds the three stacks on an App from its context (infra/cdk/context.ts) and registers cdk-nag's
 * AwsSolutions checks. `infra/cdk/app.ts` (the `cdk` CLI entry) and test/infra use the same code.
 *
 *   DataStack (stateful, RETAIN) ──table, SES──▶ JobsStack ──queues, alarm topic──▶ ApiStack
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveDeployContext, type DeployContext } from './context.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';

export interface BuildAppOptions {
  /** Run cdk-nag's AwsSolutionsChecks at synth (default true). */
  readonly nag?: boolean;
  /** The account the CLI would deploy to (default: CDK_DEFAULT_ACCOUNT, set when it has credentials). */
  readonly targetAccount?: string;
}

export interface BackofficeApp {
  readonly context: DeployContext;
  readonly data: DataStack;
  readonly jobs: JobsStack;
  readonly api: ApiStack;
}

export function buildApp(app: App, opts: BuildAppOptions = {}): BackofficeApp {
  const context = resolveDeployContext((k) => app.node.tryGetContext(k), {
    targetAccount: 'targetAccount' in opts ? opts.targetAccount : process.env.CDK_DEFAULT_ACCOUNT,
  });
  const prefix = `Kokona-${context.stage}`;
  // Environment-agnostic stacks: `cdk deploy` targets the CLI's account and region (ap-northeast-1 advised).
  const data = new DataStack(app, `${prefix}-Data`, {
    description: 'kokona back office: DynamoDB table, SES identity and configuration set (stateful, retained)',
    sesIdentity: context.sesIdentity,
    archiveRetentionYears: context.config.archive.retentionYears,
    stage: context.stage,
  });
  const jobs = new JobsStack(app, `${prefix}-Jobs`, {
    description: 'kokona back office: daily run, lifecycle worker, mailer, provisioner, queues and alarms',
    table: data.table,
    stage: context.stage,
    configJson: context.configJson,
    config: context.config,
    alarmEmail: context.alarmEmail,
    ses: {
      identityArn: data.emailIdentity.emailIdentityArn,
      configurationSetArn: data.configurationSetArn,
      configurationSetName: data.configurationSet.configurationSetName,
    },
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: 'kokona back office: HTTP API (IAM auth) and the api function',
    table: data.table,
    stage: context.stage,
    configJson: context.configJson,
    mailQueue: jobs.mailQueue.queue,
    desktopQueue: jobs.desktopQueue.queue,
    alarmTopic: jobs.alarmTopic,
    kitKey: jobs.kitKey,
    workspaces: context.config.workspaces,
  });

  Tags.of(app).add('app', 'kokona-backoffice');
  Tags.of(app).add('stage', context.stage);
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { context, data, jobs, api };
}
