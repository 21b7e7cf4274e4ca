// `npm run check`: Prettier (--check) and ESLint (type-aware, eslint.config.js) on the whole repository.
// What each leaves out is in .prettierignore (generated files, prose, test fixtures) and in the `ignores`
// of eslint.config.js (build output). `npx prettier --write .` and `npx eslint --fix .` fix most findings.
import { spawnSync } from 'node:child_process';

const run = (tool, args) => spawnSync('npx', ['--no-install', tool, ...args], { stdio: 'inherit' }).status ?? 1;
const prettier = run('prettier', ['--check', '.']);
const eslint = run('eslint', ['--max-warnings=0', '.']);
process.exit(prettier !== 0 || eslint !== 0 ? 1 : 0);
