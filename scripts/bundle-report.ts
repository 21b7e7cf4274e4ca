/**
 * Bundle sizes per function, built with the very options BackofficeFunction deploys with
 * (infra/cdk/bundling.ts): ESM, minified, node22, nothing external.
 *
 *   npm run bundle-report              KB per function
 *   npm run bundle-report -- --top 8   … and the biggest packages in each bundle
 */
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { envSchemas, type FunctionName } from '#runtime/env.ts';
import { esbuildOptions } from '../infra/cdk/bundling.ts';

const { values } = parseArgs({ options: { top: { type: 'string', default: '0' } } });
const top = Number(values.top);

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** Bytes in the output per package (node_modules/<pkg> or @scope/pkg), or per source folder of this repo. */
function byPackage(meta: Metafile): [string, number][] {
  const out = new Map<string, number>();
  for (const o of Object.values(meta.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(o.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = m ? m[1]! : path.split('/').slice(0, 2).join('/');
      out.set(name, (out.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

interface Row {
  name: FunctionName;
  js: number;
  gzip: number;
  map: number;
  meta: Metafile;
}

async function measure(name: FunctionName): Promise<Row> {
  const r = await build({ ...esbuildOptions(name), outfile: `/virtual/${name}/index.mjs`, write: false, metafile: true });
  const js = r.outputFiles.find((f) => f.path.endsWith('.mjs'))!;
  const map = r.outputFiles.find((f) => f.path.endsWith('.map'));
  return { name, js: js.contents.byteLength, gzip: gzipSync(js.contents).byteLength, map: map?.contents.byteLength ?? 0, meta: r.metafile };
}

const rows = await Promise.all((Object.keys(envSchemas) as FunctionName[]).map(measure));
const w = Math.max(...rows.map((r) => r.name.length), 'function'.length);
console.log(`${'function'.padEnd(w)}  ${'KB min'.padStart(8)}  ${'KB gzip'.padStart(8)}  ${'KB map'.padStart(8)}`);
for (const r of rows) console.log(`${r.name.padEnd(w)}  ${kb(r.js).padStart(8)}  ${kb(r.gzip).padStart(8)}  ${kb(r.map).padStart(8)}`);
console.log('(index.mjs per function: ESM, minified, node22, AWS SDK bundled; the deployment zip also holds index.mjs.map)');
if (top > 0) {
  for (const r of rows) {
    console.log(`\n${r.name}:`);
    for (const [pkg, bytes] of byPackage(r.meta).slice(0, top)) console.log(`  ${kb(bytes).padStart(8)} KB  ${pkg}`);
  }
}
