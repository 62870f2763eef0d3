// `npm run package`: the VSIX holds what an install needs, and VS Code's own CLI installs a working copy.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../../helpers/paths';
import { loadVSCodeScripts } from '../../e2e/vscodeScripts';
import { readZip, type ZipEntry } from '../../../src/engine/import/zipReader';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  publisher: string;
};

/** What a working install needs, as paths inside the VSIX's extension/ folder. */
const SHIPPED = [
  'package.json',
  'readme.md',
  'LICENSE.txt',
  'out/extension.js',
  'out/engine.js',
  'out/fuzzwb-cc.js',
  'out/native/fuzzwb.node',
  'out/native/libfuzzwb_rt.a',
  'native/include/fuzzwb_shm.h',
  'native/include/fuzzwb/data_provider.h',
  'bin/fuzzwb',
  'bin/fuzzwb-cc',
  'bin/fuzzwb-c++',
  'schemas/fuzzwb.schema.json',
  'media/icon.svg',
];

/** Bundled into out/*.js or not for users: none of it may ship. */
const NOT_SHIPPED =
  /^extension\/(node_modules|src|test|scripts|examples|bench|docs|native\/(runtime|addon))\/|\.map$|\.ts$/;

describe('npm run package', () => {
  let work: string;
  let vsix: string;
  let entries: ZipEntry[];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'fuzzwb-vsix-'));
    // npm test has built already; the packaging step itself is what is under test here.
    execFileSync(
      process.execPath,
      [join(repoRoot, 'scripts', 'package.mjs'), '--no-build', '--out', work],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    vsix = join(work, `${manifest.name}-${manifest.version}.vsix`);
    entries = readZip(readFileSync(vsix));
    console.log(
      `${manifest.name}-${manifest.version}.vsix: ${statSync(vsix).size} bytes, ${entries.length} entries`,
    );
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('ships the bundles, the linux-x64 native parts, the headers, bin/ and the manifest', () => {
    const names = new Set(entries.map((e) => e.name));
    const missing = SHIPPED.filter((path) => !names.has(`extension/${path}`));
    assert.deepEqual(missing, [], `missing from the VSIX: ${missing.join(', ')}`);
    const vsixManifest =
      entries.find((e) => e.name === 'extension.vsixmanifest')?.data.toString('utf8') ?? '';
    assert.match(vsixManifest, /TargetPlatform="linux-x64"/);
  });

  test('ships no node_modules, sources, tests or source maps', () => {
    const extra = entries.map((e) => e.name).filter((name) => NOT_SHIPPED.test(name));
    assert.deepEqual(extra, []);
  });

  test('keeps bin/ executable', () => {
    for (const name of ['bin/fuzzwb', 'bin/fuzzwb-cc', 'bin/fuzzwb-c++']) {
      const entry = entries.find((e) => e.name === `extension/${name}`);
      assert.ok(entry && (entry.mode & 0o111) !== 0, `${name} is not executable in the VSIX`);
    }
  });

  test('VS Code --install-extension installs it; its wrapper builds and its engine runs a target', async (t) => {
    const { config } = await loadVSCodeScripts();
    if (!existsSync(config.installedMarker)) {
      // CI runs `npm test`, which installs the server first; a bare test:integration may not.
      if (process.env.CI)
        assert.fail('VS Code server is not installed (scripts/vscode/install.mjs)');
      t.skip('VS Code server is not installed: node scripts/vscode/install.mjs');
      return;
    }
    const extensionsDir = join(work, 'extensions');
    execFileSync(
      config.nodeBin,
      [
        config.serverMain,
        '--install-extension',
        vsix,
        '--extensions-dir',
        extensionsDir,
        '--server-data-dir',
        join(work, 'server-data'),
        '--user-data-dir',
        join(work, 'user-data'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
    const folder = readdirSync(extensionsDir).find((name) => name.startsWith(id));
    assert.ok(folder, `no ${id}* in ${readdirSync(extensionsDir).join(', ')}`);
    const installed = join(extensionsDir, folder);

    // The installed copy, not the repository, compiles the example and runs an input through it.
    const target = join(work, 'device_fuzz');
    const example = join(repoRoot, 'examples', 'device');
    execFileSync(
      join(installed, 'bin', 'fuzzwb-cc'),
      ['-O1', join(example, 'device.c'), join(example, 'device_fuzz.c'), '-o', target],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const input = join(work, 'input');
    writeFileSync(input, 'x');
    const out = execFileSync(join(installed, 'bin', 'fuzzwb'), ['run', target, input], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal((JSON.parse(out.trim()) as { kind: string }).kind, 'ok');
  });
});
