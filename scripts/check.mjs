// `npm run check`: Prettier (--check) and ESLint (type-aware, eslint.config.js) on the files listed below.
//
// The list holds the files already formatted and lint-clean. Everything else is formatted in one sweep
// (`npx prettier --write .` and the lint fixes) once the work in flight has landed; then this list
// becomes ['.'] and every file is checked. Add a file here as soon as it is clean.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CHECKED = readFileSync(new URL('./check-scope.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const run = (tool, args) => spawnSync('npx', ['--no-install', tool, ...args], { stdio: 'inherit' }).status ?? 1;
const prettier = run('prettier', ['--check', ...CHECKED]);
const eslint = run('eslint', ['--max-warnings=0', ...CHECKED]);
process.exit(prettier !== 0 || eslint !== 0 ? 1 : 0);
