/**
 * ApiStack — the HTTP API: a Cognito JWT authorizer on every route (people through the console,
 * machines through the client-credentials app client; the role is decided in the use cases), each route listed from the
 * one route table (shared/runtime/openapi.ts, which also builds the OpenAPI document), all routes
 * integrated with the one `api` function; JSON access logs, stage throttling, and alarms.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ROUTES } from '#runtime/openapi.ts';
import { BackofficeFunction } from '../constructs/backoffice-function.ts';
import { grantTableReadWrite } from '../constructs/table-access.ts';
import { bucketNameFor, grantObjects } from '../constructs/bucket-access.ts';
import { grantWorkspaces } from './jobs-stack.ts';
import type { Config } from '#domain/config.ts';

/** Stage-wide limits (requests/s steady, burst). A back office has a handful of operators. */
export const API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

export interface ApiStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  /** Names the archive bucket of the data stack (constructs/bucket-access.ts). */
  readonly stage: string;
  readonly configJson: string;
  readonly mailQueue: sqs.IQueue;
  readonly desktopQueue: sqs.IQueue;
  readonly alarmTopic: sns.ITopic;
  readonly auth: {
    readonly userPool: cognito.IUserPool;
    readonly consoleClient: cognito.IUserPoolClient;
    readonly machineClient: cognito.IUserPoolClient;
  };
  readonly web: { readonly url: string };
  /** W3: the key of stored initial passwords (the kit route decrypts them). */
  readonly kitKey: kms.IKey;
  /** The WorkSpaces settings of the config (POST /desktops/reconcile runs the reconciler in this function). */
  readonly workspaces: Config['workspaces'];
}

/** W3: the account kit route's own throttle (it is the one route without operator auth). */
export const KIT_ROUTE_THROTTLE = { rateLimit: 2, burstLimit: 5 } as const;

export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly fn: BackofficeFunction<'api'>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    this.fn = new BackofficeFunction(this, 'Api', {
      name: 'api',
      description: 'HTTP API: every route (middy http-router), Cognito JWT checked by API Gateway, roles in the use cases',
      environment: {
        TABLE_NAME: props.table.tableName,
        CONFIG_JSON: props.configJson,
        MAIL_QUEUE_URL: props.mailQueue.queueUrl,
        DESKTOP_QUEUE_URL: props.desktopQueue.queueUrl,
        AUTH_MODE: 'jwt',
        ARCHIVE_BUCKET: bucketNameFor(props.stage, 'archive'),
        INVOICE_FONT_PATH: 'fonts/NotoSansJP-Regular.ttf',
        KIT_KEY_ID: props.kitKey.keyArn,
      },
      memorySize: 1024,
      timeout: Duration.seconds(15),
    });
    grantTableReadWrite(this, 'TableAccess', props.table, this.fn);
    props.mailQueue.grantSendMessages(this.fn);
    grantObjects(this, 'ArchiveAccess', this.fn, props.stage, 'archive', ['s3:GetObject', 's3:PutObject']);
    props.desktopQueue.grantSendMessages(this.fn);
    props.kitKey.grantDecrypt(this.fn);
    grantWorkspaces(this.fn, props.workspaces, 'Api');
    this.fn.addAlarms(props.alarmTopic);

    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${props.auth.userPool.userPoolId}`;
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'kokona back office API (Cognito JWT)',
      defaultAuthorizer: new HttpJwtAuthorizer('Cognito', issuer, {
        jwtAudience: [props.auth.consoleClient.userPoolClientId, props.auth.machineClient.userPoolClientId],
      }),
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.web.url],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PATCH],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.fn);
    for (const r of API_ROUTES) {
      const routes = this.api.addRoutes({
        path: r.path,
        methods: [apigw.HttpMethod[r.method]],
        integration,
        // W3: the account kit link is the one public route: its 256-bit token is the credential.
        ...(r.public ? { authorizer: new apigw.HttpNoneAuthorizer() } : {}),
      });
      if (r.public)
        for (const route of routes)
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              "GET /kit/{token} is the account manager's one-time link from the サービス提供開始通知書: the 256-bit token is the credential (stored hashed, valid once, expires); the route has its own throttle and the function rate-limits per address",
          });
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            caller: '$context.identity.caller',
            userArn: '$context.identity.userArn',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = {
      ...Object.fromEntries(
        API_ROUTES.filter((r) => r.public).map((r) => [
          `${r.method} ${r.path}`,
          // RouteSettings is untyped JSON: CDK passes its keys as written, so they must be CloudFormation's PascalCase.
          { ThrottlingRateLimit: KIT_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: KIT_ROUTE_THROTTLE.burstLimit },
        ]),
      ),
    };

    const serverErrors = new cloudwatch.Alarm(this, 'ServerErrorsAlarm', {
      alarmDescription: `kokona api: 5xx responses (${this.stackName})`,
      metric: this.stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    serverErrors.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL (Authorization: Bearer <Cognito token>)' });
  }
}
