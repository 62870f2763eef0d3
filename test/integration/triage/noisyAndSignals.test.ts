// Triage through the executor: a report behind 50 MB of stderr, a plain signal, and minimize.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import { findSymbolizer } from '../../../src/engine/exec/findTool';
import { FindingStore } from '../../../src/engine/triage/findingStore';
import { LlvmSymbolizer } from '../../../src/engine/triage/symbolizer';
import { Triager } from '../../../src/engine/triage/triager';
import { buildDir } from '../../helpers/build';
import { fixture, repoRoot } from '../../helpers/paths';

const source = fixture('triage', 'noisy_fuzz.c');
const NO_UBSAN_SIGNALS =
  'handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0';

function bugLine(mode: string): number {
  return (
    readFileSync(source, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(`BUG(${mode})`)) + 1
  );
}

function buildNoisy(sanitizers: string): string {
  const out = join(buildDir(), `noisy-${sanitizers}`);
  const r = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O0', '-g', source, '-o', out], {
    env: { ...process.env, FUZZWB_SANITIZERS: sanitizers },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

async function triageOne(target: string, input: string, baseEnv = process.env) {
  const outputLimit = 1 << 20;
  const { executor } = await startExecutor({ target, outputLimit, timeoutMs: 20_000, baseEnv });
  const symbolizer = new LlvmSymbolizer(findSymbolizer() ?? 'llvm-symbolizer-19');
  const prefix = `${mkdtempSync(join(tmpdir(), 'fwb-noisy-'))}/`;
  try {
    const triager = new Triager(executor, new FindingStore(), {
      target,
      prefix,
      verifyRuns: 1,
      symbolizer,
    });
    const rssBefore = process.memoryUsage().rss;
    const result = await executor.run(Buffer.from(input));
    const outcome = await triager.handle(Buffer.from(input), result);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    return { result, outcome, rssGrowth, outputLimit };
  } finally {
    await symbolizer.close();
    await executor.stop();
  }
}

test(
  '50 MB of stderr before the report: the right finding, output and memory bounded',
  { timeout: 90_000 },
  async () => {
    const { result, outcome, rssGrowth, outputLimit } = await triageOne(
      buildNoisy('address'),
      'NNNN',
    );
    assert.equal(result.kind, 'sanitizer');
    assert.ok(result.outputTruncated, 'the head of the output was dropped');
    assert.ok(result.output.length <= outputLimit, `kept ${result.output.length} bytes`);
    assert.ok(rssGrowth < 40 << 20, `engine memory grew by ${rssGrowth} bytes`);
    const r = outcome.record;
    assert.equal(r.type, 'heap-buffer-overflow READ');
    assert.deepEqual(r.crashState, ['overflow']);
    assert.deepEqual([r.frames[0]?.file, r.frames[0]?.line], [source, bugLine('noisy-overflow')]);
    assert.equal(r.verification.status, 'reproducible');
  },
);

test(
  'a plain SIGSEGV (no sanitizer): the runtime backtrace is symbolized to the faulting line',
  { timeout: 60_000 },
  async () => {
    const env = { ...process.env, UBSAN_OPTIONS: NO_UBSAN_SIGNALS };
    const { result, outcome } = await triageOne(buildNoisy('none'), 'SSSS', env);
    assert.equal(result.kind, 'crash');
    const r = outcome.record;
    assert.equal(r.sanitizer, 'fuzzwb');
    assert.equal(r.type, 'SIGSEGV');
    assert.deepEqual(r.crashState, ['null_read']);
    const top = r.frames.find((f) => f.function === 'null_read');
    assert.deepEqual([top?.file, top?.line], [source, bugLine('signal-segv')]);
  },
);

test(
  'fuzzwb minimize shrinks a device crash and keeps its crash state',
  { timeout: 90_000 },
  () => {
    const target = join(buildDir(), 'device-minimize');
    const device = join(repoRoot, 'examples', 'device');
    const cc = spawnSync(
      join(repoRoot, 'bin', 'fuzzwb-cc'),
      ['-O1', '-g', join(device, 'device.c'), join(device, 'device_fuzz.c'), '-o', target],
      { encoding: 'utf8' },
    );
    assert.equal(cc.status, 0, cc.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'fwb-min-'));
    const op = (kind: number, reg: number, value: number): Buffer => {
      const b = Buffer.alloc(6);
      b[0] = kind;
      b[1] = reg;
      b.writeUInt32LE(value, 2);
      return b;
    };
    // Noise reads around the transfer that overflows the FIFO: CTRL=3, DMA_LEN=40, doorbell.
    const noise = Buffer.concat(Array.from({ length: 8 }, (_, i) => op(1, i % 8, i * 77)));
    const crashing = Buffer.concat([
      noise,
      op(0, 0, 3),
      noise,
      op(0, 3, 40),
      noise,
      op(0, 5, 1),
      noise,
    ]);
    const file = join(dir, 'crash');
    writeFileSync(file, crashing);
    const out = join(dir, 'min');
    const r = spawnSync(
      join(repoRoot, 'bin', 'fuzzwb'),
      ['minimize', target, file, '-runs=800', `-exact_artifact_path=${out}`],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /crash state: heap-buffer-overflow READ \/ dma_start \/ device_write/);
    const small = readFileSync(out);
    assert.ok(
      small.length <= 18 && small.length < crashing.length,
      `minimized to ${small.length} bytes`,
    );
    const again = spawnSync(target, [out], { encoding: 'utf8' });
    assert.match(again.stderr, /heap-buffer-overflow[\s\S]*in dma_start[\s\S]*in device_write/);
  },
);
