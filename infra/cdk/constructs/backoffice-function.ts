/**
 * The house Lambda: every function of the back office is one of these, so the defaults live in one
 * place — nodejs22.x on arm64, one ESM bundle per composition root (functions/<name>/index.ts,
 * built by infra/cdk/bundling.ts buildFunction as the asset's local bundling: the api's with code
 * splitting, which NodejsFunction's single `--outfile` cannot do; Docker is never needed),
 * its own log group with a retention, X-Ray active tracing, Powertools settings, and a role that
 * holds only what the stacks grant it (no AWSLambdaBasicExecutionRole: the role may write to its
 * own log group and nothing else).
 *
 * The environment is typed from `envSchemas` (shared/runtime/env.ts): every key the composition
 * root parses must be given (a missing or unknown key fails to compile, and is checked again at
 * synth), except the local-only ones listed in LOCAL_ONLY_ENV.
 */
import { AssetHashType, DockerImage, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import { envKeys, envSchemas, type FunctionName } from '#runtime/env.ts';
import { PROJECT_ROOT, buildFunction } from '../bundling.ts';

/** Keys a composition root accepts that only make sense off AWS (never set on Lambda). */
export const LOCAL_ONLY_ENV = {
  /** Bearer token of `AUTH_MODE=token` (the embedded stack); on AWS, API Gateway's IAM authorizer authenticates. */
  api: ['API_TOKEN'],
} as const satisfies Partial<Record<FunctionName, readonly string[]>>;

type LocalOnly<F extends FunctionName> = F extends keyof typeof LOCAL_ONLY_ENV ? (typeof LOCAL_ONLY_ENV)[F][number] : never;

/** The environment a function gets on Lambda: every parsed key (optional ones too), as strings. */
export type LambdaEnvironment<F extends FunctionName> = {
  readonly [K in Exclude<keyof z.input<(typeof envSchemas)[F]>, LocalOnly<F>>]-?: string;
};

/** The keys BackofficeFunction sets from `environment` (envKeys minus the local-only ones). */
export function lambdaEnvKeys(name: FunctionName): string[] {
  const local: readonly string[] = (LOCAL_ONLY_ENV as Partial<Record<FunctionName, readonly string[]>>)[name] ?? [];
  return envKeys(name).filter((k) => !local.includes(k));
}

/** Added to every function, beside the typed keys. */
export const HOUSE_ENV_KEYS = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'] as const;

export interface BackofficeFunctionProps<F extends FunctionName> {
  readonly name: F;
  readonly description: string;
  readonly environment: LambdaEnvironment<F>;
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default INFO */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Asynchronous invocations (the scheduler): retries and where failed events go. */
  readonly async?: { readonly retryAttempts: number; readonly maxEventAge: Duration; readonly deadLetterQueue: sqs.IQueue };
}

/**
 * The function's code: the folder buildFunction writes (index.mjs, chunks, source maps, the files
 * beside them), hashed by its output. Bundling runs locally; the image is only the CDK's required
 * fallback and is never pulled (tryBundle always succeeds or throws).
 */
export function functionCode(name: FunctionName): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-never-pulled'),
      // The CDK caches bundles by these props (the local hook's function does not count): naming the
      // function keeps each function's bundle its own (without it every function got the first bundle).
      command: ['never-run', name],
      local: {
        tryBundle(outputDir: string) {
          buildFunction(name, outputDir);
          return true;
        },
      },
    },
  });
}

export class BackofficeFunction<F extends FunctionName = FunctionName> extends lambda.Function {
  readonly functionKey: F;

  constructor(scope: Construct, id: string, props: BackofficeFunctionProps<F>) {
    checkEnvironment(props.name, props.environment);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `kokona ${props.name}: only the grants its stack gives it`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: props.description,
      code: functionCode(props.name),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      logGroup,
      role,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...(props.environment as Record<string, string>),
        POWERTOOLS_SERVICE_NAME: `kokona-${props.name}`,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        /** The bundle ships a source map: stack traces point at the TypeScript. */
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.async
        ? { retryAttempts: props.async.retryAttempts, maxEventAge: props.async.maxEventAge, deadLetterQueue: props.async.deadLetterQueue }
        : {}),
    });
    this.functionKey = props.name;

    // cdk-nag: Lambda.Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on "*".
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions; nothing else in this role has Resource "*" unless acknowledged beside its grant',
    });
    // cdk-nag: Lambda.L1 wants the newest Node.js runtime.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the house runtime (ARCHITECTURE/STYLE): the code and its tests target Node 22 features and middy 6; moving to nodejs24.x is a deliberate upgrade, not a synth-time default',
    });
  }

  /** Errors and throttles of this function → the alarm topic. */
  addAlarms(topic: sns.ITopic): cloudwatch.Alarm[] {
    const alarm = (id: string, metric: cloudwatch.Metric, what: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: `kokona ${this.functionKey}: ${what} (${Stack.of(this).stackName})`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(topic));
      return a;
    };
    return [
      alarm('ErrorsAlarm', this.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 'invocations failed'),
      alarm('ThrottlesAlarm', this.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 'invocations throttled'),
    ];
  }
}

/** The typed object cannot drift from envSchemas at compile time; this catches casts and `any`. */
function checkEnvironment(name: FunctionName, environment: object): void {
  const want = lambdaEnvKeys(name).sort();
  const got = Object.keys(environment).sort();
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    throw new Error(
      `BackofficeFunction ${name}: environment keys ${JSON.stringify(got)} differ from what functions/${name}/index.ts parses ${JSON.stringify(want)}`,
    );
  }
  const parsed = envSchemas[name].safeParse(environment);
  if (!parsed.success) {
    throw new Error(
      `BackofficeFunction ${name}: environment would not parse at cold start: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
}
