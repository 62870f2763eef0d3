// The collector with a fake executor and symbolizer: clang and gcc PCs, failures, the live feed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PcLocation } from '../../../src/engine/coverage/batchSymbolizer';
import {
  CoverageCollector,
  GCC_SLOTS,
  type CoverageSource,
  type PcLookup,
} from '../../../src/engine/coverage/collector';
import { DeltaFeed, type DeltaLine } from '../../../src/engine/coverage/deltaFeed';
import { PathResolver } from '../../../src/engine/coverage/pathResolver';
import { encodePc } from '../../../src/engine/coverage/pcTable';
import type { ModuleInfo } from '../../../src/engine/native/types';

const SIZE = GCC_SLOTS + 16;

function fakeSource(
  modules: ModuleInfo[],
  pcs: [number, bigint][],
  byteLength = SIZE * 8,
): CoverageSource & { cov: Buffer } {
  const table = Buffer.alloc(SIZE * 8);
  for (const [i, v] of pcs) table.writeBigUInt64LE(v, i * 8);
  const cov = Buffer.alloc(SIZE);
  return {
    cov,
    pcs: () => table.subarray(0, byteLength),
    coverage: () => cov,
    modules: () => modules,
  };
}

/** Symbolizes offset N to line N of /w/<module basename>.c; modules named "stripped" know nothing. */
function fakeSymbols(asked: number[][] = []): PcLookup {
  return {
    lookup: (module, offsets) => {
      asked.push([...offsets]);
      return Promise.resolve(
        offsets.map((o): PcLocation | undefined =>
          module.includes('stripped')
            ? undefined
            : { file: `/w${module}.c`, line: o, column: 1, func: 'f' },
        ),
      );
    },
  };
}

const mod = (path: string, counterStart: number, counterCount: number, flags = 0): ModuleInfo => ({
  path,
  base: 0n,
  counterStart,
  counterCount,
  flags,
});

function collector(
  source: CoverageSource,
  symbols: PcLookup | undefined,
  warnings: string[],
): CoverageCollector {
  return new CoverageCollector(source, {
    symbols,
    resolver: new PathResolver(['/nowhere'], { isFile: () => false, realpath: (p) => p }),
    warn: (m) => warnings.push(m),
  });
}

test('clang PCs become lines; a stripped module is reported and the others still show', async () => {
  const src = fakeSource(
    [mod('/t', 0, 2), mod('/stripped', 2, 1)],
    [
      [0, encodePc(0, 10)],
      [1, encodePc(0, 11)],
      [2, encodePc(1, 5)],
    ],
  );
  src.cov[0] = 1;
  src.cov[2] = 1;
  const warnings: string[] = [];
  const c = collector(src, fakeSymbols(), warnings);
  await c.refresh();
  assert.deepEqual(
    c.model.snapshot().map((f) => [f.file, f.lines.map((l) => [l.line, l.hit])]),
    [
      [
        '/w/t.c',
        [
          [10, 1],
          [11, 0],
        ],
      ],
    ],
  );
  assert.equal(c.entries.size, 3, 'the stripped PC is still a point for the sancov export');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /^\/stripped has no line information/);
});

test('gcc PCs are return addresses: symbolized one byte back, only once each', async () => {
  const tail = SIZE - GCC_SLOTS;
  const src = fakeSource([mod('/g', 0, 0, 2)], [[tail + 3, encodePc(0, 101)]]);
  src.cov[tail + 3] = 1;
  const asked: number[][] = [];
  const c = collector(src, fakeSymbols(asked), []);
  await c.refresh();
  await c.refresh();
  assert.deepEqual(asked, [[100]]);
  assert.deepEqual(c.model.delta().files[0]?.lines, [{ line: 100, state: 'covered' }]);
});

test('no symbolizer, truncated and foreign tables: one warning each, PCs still counted', async () => {
  const src = fakeSource(
    [mod('/t', 0, 4)],
    [
      [0, encodePc(0, 1)],
      [1, encodePc(5, 2)],
      [2, encodePc(0, 3)],
    ],
    24,
  );
  const warnings: string[] = [];
  const c = collector(src, undefined, warnings);
  await c.refresh();
  await c.refresh();
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.ok(warnings.some((w) => /PC table truncated/.test(w)));
  assert.ok(
    warnings.some((w) => /name a module the module table does not list|names a module/.test(w)),
  );
  assert.ok(warnings.some((w) => /llvm-symbolizer not found/.test(w)));
  assert.deepEqual([...c.entries.keys()], [0, 2]);
});

test('a symbolizer that fails is reported; the collector goes on', async () => {
  const src = fakeSource([mod('/t', 0, 1)], [[0, encodePc(0, 1)]]);
  const warnings: string[] = [];
  const failing: PcLookup = { lookup: () => Promise.reject(new Error('boom')) };
  await collector(src, failing, warnings).refresh();
  assert.match(warnings[0] ?? '', /cannot symbolize \/t: boom/);
});

test('the delta feed drops ticks inside its interval and sends only changes', async () => {
  const src = fakeSource(
    [mod('/t', 0, 2)],
    [
      [0, encodePc(0, 10)],
      [1, encodePc(0, 20)],
    ],
  );
  const c = collector(src, fakeSymbols(), []);
  let now = 0;
  const lines: DeltaLine[] = [];
  const feed = new DeltaFeed(c, {
    minIntervalMs: 250,
    write: (l) => lines.push(l),
    onError: (err) => assert.fail(String(err)),
    now: () => now,
  });
  feed.tick();
  await feed.flush();
  assert.equal(lines.length, 1, 'first tick sends the whole map');
  src.cov[0] = 1;
  now = 100;
  feed.tick();
  await Promise.resolve();
  assert.equal(lines.length, 1, 'a tick 100 ms after the last delta is dropped');
  now = 300;
  feed.tick();
  await feed.flush();
  const sent = lines;
  assert.equal(sent.length, 2, 'the flush after the delta at 300 ms had nothing new');
  assert.deepEqual(sent[1]?.files[0]?.lines, [{ line: 10, state: 'covered' }]);
});
