/** The CDK app (cdk.json: `npx tsx infra/cdk/app.ts`). Context keys and deploy steps: docs/DEPLOY.md. */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';
import { ContextError } from './context.ts';

const app = new App();
try {
  buildApp(app);
} catch (e) {
  if (!(e instanceof ContextError)) throw e;
  console.error(e.message);
  process.exit(1);
}
app.synth();
