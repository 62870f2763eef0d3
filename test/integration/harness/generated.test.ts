// Create Fuzz Harness end to end: `fuzzwb harness` for each template on real sources, then
// `fuzzwb build` (fuzzwb-cc) and a short `fuzzwb fuzz -runs=...` of each result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFuzzConfig } from '../../../src/engine/config/loadConfig';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

const ws = mkdtempSync(join(tmpdir(), 'fwb-harness-'));
mkdirSync(join(ws, 'dev'));
for (const f of ['device.c', 'device.h']) {
  copyFileSync(join(repoRoot, 'examples', 'device', f), join(ws, 'dev', f));
}
for (const f of ['parser.c', 'parser.h']) copyFileSync(fixture('harness', f), join(ws, f));

function fuzzwb(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(fuzzwbBin, args, { cwd: ws, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cases = [
  // The device harness finds one of the example's planted bugs in seconds (about 3,000-6,000
  // executions measured), so its run goes until the first crash; the others run briefly.
  {
    source: 'dev/device.c',
    fn: 'device_write',
    template: 'device',
    target: 'device_write_fuzz',
    limit: '-max_total_time=120',
  },
  {
    source: 'parser.c',
    fn: 'parse_records',
    template: 'bytes',
    target: 'parse_records_fuzz',
    limit: '-runs=3000',
  },
  {
    source: 'parser.c',
    fn: 'check_packet',
    template: 'struct',
    target: 'check_packet_fuzz',
    limit: '-runs=3000',
  },
];

for (const c of cases) {
  test(`${c.template} template: generate, build and fuzz ${c.fn}`, { timeout: 180_000 }, () => {
    const gen = fuzzwb(['harness', c.source, c.fn, `-template=${c.template}`]);
    assert.equal(gen.status, 0, gen.stderr);
    assert.match(gen.stderr, new RegExp(`added target "${c.target}"`));
    const built = fuzzwb(['build', c.target, '-json=1']);
    assert.equal(built.status, 0, built.stderr);
    const lines = built.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; ok?: boolean; binary?: string });
    const result = lines.find((l) => l.type === 'result');
    assert.equal(result?.ok, true);
    assert.equal(result?.binary, join(ws, '.fuzzwb', 'build', c.target, c.target));
    const corpus = join(ws, 'corpus', c.target);
    const findings = join(ws, 'findings', c.target);
    mkdirSync(corpus, { recursive: true });
    mkdirSync(findings, { recursive: true });
    const run = fuzzwb([
      'fuzz',
      result?.binary ?? '',
      corpus,
      c.limit,
      '-seed=1',
      `-artifact_prefix=${findings}/`,
    ]);
    if (c.template === 'device') {
      assert.equal(
        run.status,
        77,
        `the device harness finds a planted bug: ${run.stderr.slice(-2000)}`,
      );
      assert.match(
        run.stderr,
        /==fuzzwb== at .*dev\/device\.c:\d+:\d+ in (dma_start|device_write)/,
      );
    } else {
      // 0: nothing found in the runs; 77: the planted bug found. Both mean it ran.
      assert.ok(
        run.status === 0 || run.status === 77,
        `fuzz exit ${run.status}: ${run.stderr.slice(-2000)}`,
      );
    }
    const execs = /stat::number_of_executed_units:\s*(\d+)/.exec(run.stderr);
    assert.ok(execs !== null && Number(execs[1]) > 0, run.stderr.slice(-2000));
  });
}

test('the config holds every target, and the user content around them stays', () => {
  const { config, errors } = loadFuzzConfig(join(ws, 'fuzzwb.json'));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    config?.targets.map((t) => t.name),
    cases.map((c) => c.target),
  );
});

test('an existing harness is never overwritten, and the config is not touched', () => {
  const harness = join(ws, 'sum_name_fuzz.c');
  writeFileSync(harness, '/* mine */\n');
  const before = readFileSync(join(ws, 'fuzzwb.json'), 'utf8');
  const r = fuzzwb(['harness', 'parser.c', 'sum_name']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /sum_name_fuzz\.c already exists/);
  assert.equal(readFileSync(harness, 'utf8'), '/* mine */\n');
  assert.equal(readFileSync(join(ws, 'fuzzwb.json'), 'utf8'), before);
});

test('a config with errors is refused with positions, and no harness is written', () => {
  const cfg = join(ws, 'broken.json');
  const text = '{\n  "targets": [\n    {"name": "x", "harness": 5}\n  ]\n}\n';
  writeFileSync(cfg, text);
  const r = fuzzwb(['harness', 'dev/device.c', 'device_read', '-config=broken.json']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken\.json:3:30: error: harness must be a string/);
  assert.equal(readFileSync(cfg, 'utf8'), text);
  assert.equal(existsSync(join(ws, 'dev', 'device_read_fuzz.c')), false, 'no harness written');
});
