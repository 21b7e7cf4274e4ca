/**
 * The money-in buckets have names derived from the stage, account and region (no cross-stack token in
 * the functions' policies), and object-level access with exactly the actions a composition root uses,
 * on one prefix (the CDK grant* helpers add wildcard actions such as s3:Abort* and s3:List*).
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export type MoneyBucket = 'archive' | 'bank-files';

/** `kokona-<stage>-<purpose>-<account>-<region>` (globally unique, lower case). */
export const bucketNameFor = (stage: string, purpose: MoneyBucket) =>
  `kokona-${stage.toLowerCase()}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

export function grantObjects(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  stage: string,
  purpose: MoneyBucket,
  actions: readonly ('s3:GetObject' | 's3:PutObject')[],
  prefix = '',
): void {
  const policy = new iam.Policy(scope, id, {
    statements: [
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [`arn:${Aws.PARTITION}:s3:::${bucketNameFor(stage, purpose)}/${prefix}*`],
      }),
    ],
  });
  policy.attachToRole(fn.role!);
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::kokona-${stage.toLowerCase()}-${purpose}-<AWS::AccountId>-<AWS::Region>/${prefix}*]`,
    reason: `object keys are made at run time (invoice ids, bank file names); access is limited to ${actions.join(', ')} on ${prefix || 'the objects of'} the ${purpose} bucket`,
  });
}
