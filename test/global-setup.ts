/** One DynamoDB Local for the whole test run (in memory); each test file creates its own table. */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type DynamoLocal } from '../infra/local/dynamodb-local.ts';

let dynamo: DynamoLocal | undefined;

export default async function setup(project: TestProject) {
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
