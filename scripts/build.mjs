// Builds everything that ships: the esbuild bundles in out/ and then the native parts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bundles. The extension host provides `vscode`; native addons (*.node) are loaded from
 * out/native/ at run time, never bundled.
 */
const bundles = [
  { entry: 'src/extension/extension.ts', outfile: 'out/extension.js', external: ['vscode'] },
  { entry: 'src/engine/main.ts', outfile: 'out/engine.js', external: ['vscode', '*.node'] },
  { entry: 'src/engine/cc/main.ts', outfile: 'out/fuzzwb-cc.js', external: ['vscode', '*.node'] },
];

/** Builds one bundle; returns false when esbuild reported errors (it has printed them). */
async function bundle({ entry, outfile, external }) {
  const entryPath = join(root, entry);
  if (!existsSync(entryPath)) {
    // Entries are written in parallel by several people; a missing one must not block the rest.
    console.log(`build: skipping ${outfile}: ${entry} does not exist yet`);
    return true;
  }
  try {
    await esbuild.build({
      entryPoints: [entryPath],
      outfile: join(root, outfile),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: true,
      external,
      logLevel: 'silent',
    });
  } catch (err) {
    if (!Array.isArray(err?.errors)) throw err;
    const formatted = await esbuild.formatMessages(err.errors, { kind: 'error', color: false });
    process.stderr.write(formatted.join(''));
    return false;
  }
  console.log(`build: ${entry} -> ${outfile}`);
  return true;
}

function buildNative() {
  const native = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (native.error) throw native.error;
  return native.status === 0;
}

async function main() {
  // Every step runs even after a failure, so one run shows every broken part.
  const failed = [];
  for (const b of bundles) {
    if (!(await bundle(b))) failed.push(b.outfile);
  }
  if (buildNative()) console.log('build: out/native/ is up to date');
  else failed.push('out/native (scripts/build-native.mjs)');
  if (failed.length > 0) throw new Error(`could not build ${failed.join(', ')}`);
}

main().catch((err) => {
  console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
