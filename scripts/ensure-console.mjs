// Builds the console (console/dist) when it is missing or older than its sources, the API document or the lockfile.
// Runs before `npm start` and `npm test` (after ensure-deps); a fresh clone builds it once (a few seconds).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (p) => {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((n) => newest(join(p, n))));
};
const built = 'console/dist/index.html';
const sources = ['console/src', 'console/index.html', 'console/vite.config.ts', 'docs/openapi.json', 'package-lock.json'];
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
  console.log('building the console (vite build) …');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'console'], { stdio: 'inherit' });
}
