/**
 * Builds the stacks (Data, Jobs, Web, Auth, Api, SiteFiles) on an App from its context (infra/cdk/context.ts) and registers cdk-nag's
 * AwsSolutions checks. `infra/cdk/app.ts` (the `cdk` CLI entry) and test/infra use the same code.
 *
 *   DataStack (stateful, RETAIN) ──table, SES──▶ JobsStack ──queues, alarm topic──▶ ApiStack
 *   WebStack ──site URL──▶ AuthStack (RETAIN) ──user pool, clients──▶ ApiStack ──API URL──▶ SiteFilesStack
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveDeployContext, type DeployContext } from './context.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { AuthStack } from './stacks/auth-stack.ts';
import { SiteFilesStack, WebStack } from './stacks/web-stack.ts';

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
  readonly web: WebStack;
  readonly auth: AuthStack;
  readonly site: SiteFilesStack;
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
  const web = new WebStack(app, `${prefix}-Web`, { description: 'kokona back office: the operator console (S3 + CloudFront with OAC)' });
  const auth = new AuthStack(app, `${prefix}-Auth`, {
    description: 'kokona back office: Cognito user pool (operators, viewers, agents; MFA), console and machine app clients',
    consoleUrl: web.url,
    domainPrefix: `kokona-${context.stage}-${app.node.tryGetContext('authDomainSuffix') ?? 'console'}`.toLowerCase(),
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: 'kokona back office: HTTP API (Cognito JWT authorizer), the api function and the console files',
    auth: { userPool: auth.userPool, consoleClient: auth.consoleClient, machineClient: auth.machineClient },
    web: { url: web.url },
    table: data.table,
    stage: context.stage,
    configJson: context.configJson,
    mailQueue: jobs.mailQueue.queue,
    desktopQueue: jobs.desktopQueue.queue,
    alarmTopic: jobs.alarmTopic,
    kitKey: jobs.kitKey,
    workspaces: context.config.workspaces,
  });

  const site = new SiteFilesStack(app, `${prefix}-SiteFiles`, {
    description: 'kokona back office: the console files and their config.json',
    web,
    apiUrl: api.stage.url.replace(/\/$/, ''),
    signIn: { domain: `${auth.domain.domainName}.auth.${auth.region}.amazoncognito.com`, clientId: auth.consoleClient.userPoolClientId },
  });

  Tags.of(app).add('app', 'kokona-backoffice');
  Tags.of(app).add('stage', context.stage);
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { context, data, jobs, api, web, auth, site };
}
