/**
 * Object-level S3 access with exactly the actions a composition root uses, on one prefix of a bucket
 * (the CDK grant* helpers add wildcard actions such as s3:Abort* and s3:List* that nothing here calls).
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export function grantObjects(scope: Construct, id: string, fn: lambda.IFunction, bucket: s3.IBucket, actions: readonly ('s3:GetObject' | 's3:PutObject')[], prefix = ''): void {
  const policy = new iam.Policy(scope, id, {
    statements: [new iam.PolicyStatement({ actions: [...actions], resources: [bucket.arnForObjects(`${prefix}*`)] })],
  });
  policy.attachToRole(fn.role!);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5',
    reason: `object keys are made at run time (invoice ids, bank file names); the access is limited to ${actions.join(', ')} on ${prefix || 'the objects of'} this one bucket`,
  });
}
