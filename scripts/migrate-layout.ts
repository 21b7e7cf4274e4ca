/**
 * `npm run migrate-layout -- --table <name> [--region ap-northeast-1] [--endpoint http://127.0.0.1:8000]`
 *
 * Brings a store written by an older version to the current layout (shared/adapters/dynamodb/migrate.ts:
 * sharded index keys). Run it once against the AWS table right after deploying this version, before the
 * next daily run (docs/DEPLOY.md "Upgrading"); safe to run again. The embedded stack migrates
 * .local/data by itself.
 */
import { parseArgs } from 'node:util';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { migrateLayout } from '#adapters/dynamodb/migrate.ts';

const { values } = parseArgs({ options: { table: { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' } } });
if (!values.table) {
  console.error('usage: npm run migrate-layout -- --table <name> [--region <region>] [--endpoint <url>]');
  process.exit(2);
}
const db = makeDocumentClient({ region: values.region, endpoint: values.endpoint });
const n = await migrateLayout(db, values.table, (l) => console.log(l));
console.log(n === 0 ? `store ${values.table}: already in the current layout (or nothing to rewrite)` : `done: ${n} item(s) rewritten`);
db.destroy();
