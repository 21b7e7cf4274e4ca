/**
 * Read/write on the single table, narrower than `table.grantReadWriteData` alone: that grant on a
 * table with GSIs adds "<table>/index/*"; the adapters only Query the indexes, so each index of the
 * table definition (shared/adapters/dynamodb/table.ts) is granted by name and for Query only — no
 * wildcard, no cdk-nag suppression.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';

/** The GSI names of the table definition. */
export const INDEX_NAMES: readonly string[] = (tableDefinition('unused').GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '');

export function grantTableReadWrite(scope: Construct, id: string, table: dynamodb.ITable, grantee: IGrantable): void {
  // Imported by ARN, the table has no known indexes: grantReadWriteData then names the table only.
  const tableOnly = dynamodb.Table.fromTableArn(new Construct(scope, id), 'Table', table.tableArn);
  tableOnly.grantReadWriteData(grantee);
  if (INDEX_NAMES.length > 0) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: INDEX_NAMES.map((name) => `${table.tableArn}/index/${name}`) }),
    );
  }
}
