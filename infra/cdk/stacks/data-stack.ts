/**
 * DataStack — the stateful part, kept (RETAIN) when a stack is deleted: the single DynamoDB table
 * (its keys and GSI taken from shared/adapters/dynamodb/table.ts, the definition the adapters and
 * DynamoDB Local use, so the two cannot drift), and the SES identity and configuration set the
 * mailer sends through, whose delivery events go to the default EventBridge bus.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TTL_ATTRIBUTE, tableDefinition } from '#adapters/dynamodb/table.ts';
import type { SesIdentity } from '../context.ts';
import { bucketNameFor } from '../constructs/bucket-access.ts';

const ATTRIBUTE_TYPES: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

/** Keys and GSIs of a CreateTable input, as CDK attributes. */
export function tableShape(def: CreateTableCommandInput) {
  const attribute = (name: string | undefined): dynamodb.Attribute => {
    const a = def.AttributeDefinitions?.find((d) => d.AttributeName === name);
    const type = a?.AttributeType ? ATTRIBUTE_TYPES[a.AttributeType] : undefined;
    if (!a?.AttributeName || !type) throw new Error(`table definition: no attribute definition for ${name}`);
    return { name: a.AttributeName, type };
  };
  const keys = (schema: CreateTableCommandInput['KeySchema']) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH');
    const range = schema?.find((k) => k.KeyType === 'RANGE');
    return { partitionKey: attribute(hash?.AttributeName), ...(range ? { sortKey: attribute(range.AttributeName) } : {}) };
  };
  if (def.BillingMode !== 'PAY_PER_REQUEST') throw new Error('table definition: the CDK table is on-demand (PAY_PER_REQUEST)');
  return {
    ...keys(def.KeySchema),
    globalSecondaryIndexes: (def.GlobalSecondaryIndexes ?? []).map((g) => {
      if (g.Projection?.ProjectionType !== 'ALL') throw new Error(`table definition: GSI ${g.IndexName} must project ALL`);
      return { indexName: g.IndexName ?? '', ...keys(g.KeySchema), projectionType: dynamodb.ProjectionType.ALL };
    }),
  };
}

export interface DataStackProps extends StackProps {
  readonly sesIdentity: SesIdentity;
  readonly stage: string;
  /** MONEY-IN A1: config archive.retentionYears (Object Lock compliance retention). */
  readonly archiveRetentionYears: number;
}

export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  readonly emailIdentity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** ARN of the configuration set (for the mailer's ses:SendRawEmail grant). */
  readonly configurationSetArn: string;
  /** MONEY-IN A1: write-once archive of issued invoices (Object Lock, compliance mode). */
  readonly archiveBucket: s3.Bucket;
  /** MONEY-IN: where a bank's file transfer drops 全銀 files (an object created runs the import). */
  readonly bankFilesBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    const shape = tableShape(tableDefinition('unused'));
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: shape.partitionKey,
      ...(shape.sortKey ? { sortKey: shape.sortKey } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Spent items expire (retention per kind: shared/adapters/dynamodb/table.ts RETENTION_DAYS).
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    for (const gsi of shape.globalSecondaryIndexes) this.table.addGlobalSecondaryIndex(gsi);

    this.configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    // Delivery evidence: the configuration set's delivery, bounce, complaint and reject events go to the
    // account's default EventBridge bus; the Jobs stack's rule takes this set's events to the ses-events function.
    new ses.ConfigurationSetEventDestination(this, 'MailEventsToEventBridge', {
      configurationSet: this.configurationSet,
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });

    this.emailIdentity = new ses.EmailIdentity(this, 'MailIdentity', {
      identity:
        props.sesIdentity.kind === 'domain' ? ses.Identity.domain(props.sesIdentity.value) : ses.Identity.email(props.sesIdentity.value),
      configurationSet: this.configurationSet,
    });
    this.emailIdentity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // ── money in: access logs, the write-once archive, the bank-files drop ────────────────────────
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.archiveBucket = new s3.Bucket(this, 'Archive', {
      bucketName: bucketNameFor(props.stage, 'archive'),
      // A1: compliance mode — no one, the root user included, can overwrite or delete a version before its retention ends.
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(365 * props.archiveRetentionYears + Math.ceil(props.archiveRetentionYears / 4)),
      ),
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'archive/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bankFilesBucket = new s3.Bucket(this, 'BankFiles', {
      bucketName: bucketNameFor(props.stage, 'bank-files'),
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bank-files/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Object-created events go to EventBridge (a rule in the jobs stack runs bank-import): set on the
    // bucket itself, not through `eventBridgeEnabled` (which adds a notification custom resource).
    (this.bankFilesBucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ArchiveBucket', {
      value: this.archiveBucket.bucketName,
      description: 'Write-once invoice archive (Object Lock, compliance)',
    });
    new CfnOutput(this, 'BankFilesBucket', {
      value: this.bankFilesBucket.bucketName,
      description: 'Drop 全銀 files here (results/<key>.json answers)',
    });
    new CfnOutput(this, 'SesConfigurationSet', { value: this.configurationSet.configurationSetName });
    if (props.sesIdentity.kind === 'domain') {
      // Easy DKIM: publish these three CNAME records in the domain's DNS to verify the identity.
      this.emailIdentity.dkimRecords.forEach((r, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          value: `${r.name} CNAME ${r.value}`,
          description: `SES DKIM record ${i + 1} of 3 for ${props.sesIdentity.value}`,
        });
      });
    }
  }
}
