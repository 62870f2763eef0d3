// `npm run lint`: every check runs, even after one fails, so one CI run reports all of them.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Packages' own entry files: their "exports" maps do not list the command-line scripts.
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

const CHECKS = [
  ['typecheck (tsc --noEmit)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']],
  ['eslint', [bin('eslint', 'bin/eslint.js'), '.']],
  ['prettier', [bin('prettier', 'bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']],
  ['clang-format', ['scripts/clang-format-check.mjs']],
];

const failed = [];
for (const [name, args] of CHECKS) {
  process.stdout.write(`lint: ${name}\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`lint: FAILED: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('lint: all checks passed\n');
