/**
 * WebStack — the operator console as a static site: a private S3 bucket (TLS only, no public access,
 * S3-managed encryption) behind CloudFront with origin access control (OAC). The files and their
 * config.json (the API URL and the Cognito app client) are copied in by SiteFilesStack, deployed last.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<distribution domain> */
  readonly url: string;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, // CloudFront standard logs need ACLs
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Console', {
      comment: 'kokona operator console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Operators and sales agents work from Japan and abroad; sign-in (Cognito, MFA) guards the console, not geography',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A static single-page app of a few files; the API it calls is throttled and JWT-authorized. Attach a WAF web ACL per stage when required',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default CloudFront certificate (*.cloudfront.net) cannot be pinned to TLSv1.2; use a custom domain and certificate to enforce it',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'ConsoleUrl', { value: this.url, description: 'The operator console' });
  }
}

export interface SiteFilesStackProps extends StackProps {
  readonly web: WebStack;
  readonly apiUrl: string;
  readonly signIn: { readonly domain: string; readonly clientId: string };
  /** The built console (console/dist); when absent only config.json is deployed. */
  readonly consoleDist?: string;
}

/** SiteFilesStack — copies the built console and its config.json into the site bucket, then invalidates. */
export class SiteFilesStack extends Stack {
  constructor(scope: Construct, id: string, props: SiteFilesStackProps) {
    super(scope, id, props);
    const config = {
      apiUrl: props.apiUrl,
      auth: { mode: 'cognito', domain: props.signIn.domain, clientId: props.signIn.clientId, redirectUri: `${props.web.url}/` },
    };
    const dist = props.consoleDist ?? join(import.meta.dirname, '..', '..', '..', 'console', 'dist');
    new s3deploy.BucketDeployment(this, 'ConsoleFiles', {
      sources: [
        ...(existsSync(join(dist, 'index.html')) ? [s3deploy.Source.asset(dist)] : []),
        s3deploy.Source.jsonData('config.json', config),
      ],
      destinationBucket: props.web.bucket,
      distribution: props.web.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK BucketDeployment custom resource: writes its own logs only',
      },
      ...[
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        `Resource::{"Fn::GetStackOutput":{"StackName":"${props.web.stackName}","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttSiteE53D7754ArnA6C22265"}}/*`,
        'Resource::*',
      ].map((r) => ({
        id: `AwsSolutions-IAM5[${r}]`,
        reason:
          'The CDK BucketDeployment custom resource reads the console asset from the CDK assets bucket, replaces the files of the site bucket and invalidates the distribution (CreateInvalidation takes no resource)',
      })),
      { id: 'AwsSolutions-L1', reason: 'The runtime of the CDK BucketDeployment custom resource is chosen by aws-cdk-lib' },
    );
  }
}
