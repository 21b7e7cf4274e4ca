/**
 * Every function's bundle, built with the deployed options (infra/cdk/bundling.ts), stays within
 * BUNDLE_LIMIT_BYTES minified, takes the AWS SDK from the Lambda runtime, and ships no nodemailer.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { envSchemas, type FunctionName } from '#runtime/env.ts';
import { BUNDLE_LIMIT_BYTES, esbuildOptions } from '../../infra/cdk/bundling.ts';

describe('Lambda bundles', () => {
  for (const name of Object.keys(envSchemas) as FunctionName[]) {
    it(`${name} ≤ ${BUNDLE_LIMIT_BYTES / 1024} KB minified, AWS SDK from the runtime`, async () => {
      const r = await build({ ...esbuildOptions(name), outfile: `/virtual/${name}/index.mjs`, write: false, metafile: true });
      const js = r.outputFiles.find((f) => f.path.endsWith('.mjs'))!;
      expect(js.contents.byteLength).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
      const inputs = Object.keys(Object.values(r.metafile.outputs)[0]!.inputs);
      expect(inputs.filter((p) => /node_modules\/(@aws-sdk|@smithy|nodemailer)\//.test(p))).toEqual([]);
      // The runtime's SDK is imported, not bundled.
      const text = Buffer.from(js.contents).toString('utf8');
      expect(text).toMatch(/from\s*"@aws-sdk\/(client-dynamodb|lib-dynamodb)"/);
    }, 60_000);
  }
});
