// `npm run gen:options`: rewrites what the options table generates (package.json settings, the
// config schema's options, the README's flag list) from src/protocol/options.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = {
  packageJson: join(root, 'package.json'),
  schema: join(root, 'schemas', 'fuzzwb.schema.json'),
  readme: join(root, 'README.md'),
};

// The generator is TypeScript: bundle it once into a temporary CommonJS file and load that.
const dir = mkdtempSync(join(tmpdir(), 'fwb-gen-options-'));
try {
  const outfile = join(dir, 'optionDocs.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'src/engine/cli/optionDocs.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
  const { applyOptionDocs } = createRequire(import.meta.url)(outfile);
  const current = Object.fromEntries(
    Object.entries(files).map(([k, p]) => [k, readFileSync(p, 'utf8')]),
  );
  const next = applyOptionDocs(current);
  for (const [k, p] of Object.entries(files)) {
    if (next[k] !== current[k]) writeFileSync(p, next[k]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// JSON.stringify's layout, then the repository's: the lint's prettier check must pass.
const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
const r = spawnSync(process.execPath, [prettier, '--write', files.packageJson, files.schema], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
