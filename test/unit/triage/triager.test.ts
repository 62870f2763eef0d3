// Triage with a fake executor, symbolizer and sink: dedup, hit counts, smallest input, verification.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FindingRecord } from '../../../src/engine/fuzz/artifacts';
import type { ExecResult } from '../../../src/engine/native/types';
import { FindingStore } from '../../../src/engine/triage/findingStore';
import type { Symbolizer } from '../../../src/engine/triage/symbolizer';
import { Triager, type FindingSink } from '../../../src/engine/triage/triager';

function asanOutput(func: string, line: number): Buffer {
  return Buffer.from(
    [
      '==7==ERROR: AddressSanitizer: heap-use-after-free on address 0x502000000010 at pc 0x1',
      'READ of size 4 at 0x502000000010 thread T0',
      `    #0 0x1 in ${func} /src/dev.c:${line}:5`,
      '    #1 0x2 in LLVMFuzzerTestOneInput /src/fuzz.c:20:3',
      `SUMMARY: AddressSanitizer: heap-use-after-free /src/dev.c:${line}:5 in ${func}`,
    ].join('\n'),
  );
}

function result(output: Buffer, kind: ExecResult['kind'] = 'sanitizer'): ExecResult {
  return {
    kind,
    signal: 0,
    exitCode: kind === 'ok' ? 0 : 76,
    output,
    outputTruncated: false,
    durationUs: 1,
    ret: 0,
    newCoverage: false,
    pid: 1,
  };
}

class MemorySink implements FindingSink {
  readonly files = new Map<string, FindingRecord>();
  /** A full disk: writes fail (as guardedSink reports them) and nothing is stored. */
  full = false;
  write(_input: Buffer, r: FindingRecord): boolean {
    if (this.full) return false;
    this.files.set(r.artifact, r);
    return true;
  }
  update(r: FindingRecord): void {
    this.files.set(r.artifact, r);
  }
  remove(artifact: string): void {
    this.files.delete(artifact);
  }
}

function setup(rerun: () => ExecResult, symbolizer?: Symbolizer) {
  const sink = new MemorySink();
  const store = new FindingStore();
  let runs = 0;
  const triager = new Triager(
    {
      run: () => {
        runs++;
        return Promise.resolve(rerun());
      },
    },
    store,
    {
      target: '/t/target',
      prefix: '/out/',
      verifyRuns: 3,
      sink,
      now: () => new Date('2026-01-02T03:04:05Z'),
      ...(symbolizer !== undefined ? { symbolizer } : {}),
    },
  );
  return { sink, store, triager, runs: () => runs };
}

test('a new crash is verified K times, recorded and written; duplicates only count hits', async () => {
  const out = asanOutput('dma_start', 75);
  const t = setup(() => result(out));
  const first = await t.triager.handle(Buffer.from('long input'), result(out));
  assert.equal(first.status, 'new');
  assert.equal(t.runs(), 3);
  assert.deepEqual(first.record.verification, { status: 'reproducible', runs: 3, reproduced: 3 });
  assert.equal(first.record.type, 'heap-use-after-free READ');
  assert.deepEqual(first.record.crashState, ['dma_start']);
  assert.deepEqual(first.record.reproduce, ['/t/target', first.record.artifact]);
  assert.match(first.record.artifact, /^\/out\/crash-[0-9a-f]{40}$/);
  const again = await t.triager.handle(Buffer.from('longer input!'), result(out));
  assert.equal(again.status, 'duplicate');
  assert.equal(again.smaller, false);
  assert.equal(again.record.hitCount, 2);
  assert.equal(t.runs(), 3, 'duplicates are not re-verified');
  const small = await t.triager.handle(Buffer.from('s'), result(out));
  assert.equal(small.smaller, true);
  assert.equal(small.record.size, 1);
  assert.equal(small.record.hitCount, 3);
  assert.deepEqual(
    [...t.sink.files.keys()],
    [small.record.artifact],
    'the larger input is replaced',
  );
  const other = await t.triager.handle(Buffer.from('x'), result(asanOutput('irq_ack', 146)));
  assert.equal(other.status, 'new');
  assert.equal(t.triager.uniqueCount, 2);
});

test('a smaller duplicate that cannot be written leaves the kept input in place', async () => {
  const out = asanOutput('dma_start', 75);
  const t = setup(() => result(out));
  const first = await t.triager.handle(Buffer.from('a long input'), result(out));
  t.sink.full = true;
  const small = await t.triager.handle(Buffer.from('s'), result(out));
  assert.equal(small.status, 'duplicate');
  assert.equal(small.smaller, false);
  assert.equal(small.record.artifact, first.record.artifact);
  assert.equal(small.record.size, first.record.size);
  assert.equal(small.record.hitCount, 2);
  assert.deepEqual([...t.sink.files.keys()], [first.record.artifact], 'the old input stays');
  assert.equal(t.sink.files.get(first.record.artifact)?.hitCount, 2, 'its count is updated');
  // Once the disk has room again, the next smaller input takes the place as usual.
  t.sink.full = false;
  const later = await t.triager.handle(Buffer.from('t'), result(out));
  assert.equal(later.smaller, true);
  assert.deepEqual([...t.sink.files.keys()], [later.record.artifact]);
});

test('a crash that does not come back every time is flaky, not dropped', async () => {
  let n = 0;
  const out = asanOutput('dma_start', 75);
  const t = setup(() => (n++ % 2 === 0 ? result(out) : result(Buffer.alloc(0), 'ok')));
  const r = await t.triager.handle(Buffer.from('a'), result(out));
  assert.equal(r.status, 'new');
  assert.deepEqual(r.record.verification, { status: 'flaky', runs: 3, reproduced: 2 });
  assert.equal(t.store.size, 1);
});

test('unsymbolized signal frames are symbolized before the crash state is taken', async () => {
  const asked: string[] = [];
  const symbolizer: Symbolizer = {
    symbolize: (module, offset) => {
      asked.push(`${module}@${offset.toString(16)}`);
      if (offset === 0x32304n)
        return Promise.resolve([{ func: 'null_read', file: '/src/n.c', line: 27, column: 11 }]);
      if (offset === 0x32167n)
        return Promise.resolve([{ func: 'LLVMFuzzerTestOneInput', file: '/src/n.c', line: 40 }]);
      return Promise.resolve([]);
    },
    close: () => Promise.resolve(),
  };
  const out = Buffer.from(
    [
      '==42==ERROR: fuzzwb: deadly signal SIGSEGV on address 0x0',
      'target(+0x33155)[0x55a95a9c0155]',
      '/lib/x86_64-linux-gnu/libc.so.6(+0x3c050)[0x7f01d2be2050]',
      'target(+0x32304)[0x55a95a9bf304]',
      'target(+0x32168)[0x55a95a9bf168]',
      'SUMMARY: fuzzwb: deadly signal SIGSEGV',
    ].join('\n'),
  );
  const t = setup(() => result(out, 'crash'), symbolizer);
  const a = await t.triager.analyze(result(out, 'crash'));
  // Frame 0 and the interrupted frame are exact; the others are return addresses (one byte back).
  assert.deepEqual(asked.slice(0, 3), ['/t/target@33155', '/t/target@32304', '/t/target@32167']);
  assert.equal(a.state.key, 'SIGSEGV\nnull_read');
  assert.equal(a.report?.frames[2]?.line, 27);
});

test('records loaded from disk resume the store; two of one state merge', () => {
  const base: FindingRecord = {
    artifact: '/out/crash-a',
    kind: 'sanitizer',
    signal: 0,
    exitCode: 76,
    type: 'SEGV',
    crashState: ['f'],
    frames: [],
    stacks: [],
    firstSeen: '2026-01-02',
    lastSeen: '2026-01-02',
    hitCount: 4,
    size: 10,
    verification: { status: 'reproducible', runs: 3, reproduced: 3 },
    reproduce: ['/t', '/out/crash-a'],
  };
  const store = new FindingStore([
    base,
    { ...base, artifact: '/out/crash-b', size: 3, hitCount: 2, firstSeen: '2026-01-03' },
    { ...base, crashState: ['g'] },
  ]);
  assert.equal(store.size, 2);
  const merged = store.get('SEGV\nf');
  assert.deepEqual(
    [merged?.artifact, merged?.hitCount, merged?.firstSeen],
    ['/out/crash-b', 6, '2026-01-02'],
  );
  assert.deepEqual(store.observe('SEGV\nf', 2), {
    status: 'duplicate',
    record: merged,
    smaller: true,
  });
  assert.deepEqual(store.observe('SEGV\nh', 2), { status: 'new' });
});

test('a leak is written as leak-<sha1> and verified under the leak check, not a plain run', async () => {
  const leak = Buffer.from(
    [
      '==9==ERROR: LeakSanitizer: detected memory leaks',
      '',
      'Direct leak of 3 byte(s) in 1 object(s) allocated from:',
      '    #0 0x1 in malloc /llvm/asan_malloc_linux.cpp:68:3',
      '    #1 0x2 in leaky_copy /src/leak.c:14:16',
      '    #2 0x3 in LLVMFuzzerTestOneInput /src/leak.c:26:5',
      '',
      'SUMMARY: AddressSanitizer: 3 byte(s) leaked in 1 allocation(s).',
    ].join('\n'),
  );
  const sink = new MemorySink();
  let plain = 0;
  let checked = 0;
  const triager = new Triager(
    {
      run: () => {
        plain++;
        return Promise.resolve(result(Buffer.alloc(0), 'ok'));
      },
      checkLeaks: () => {
        checked++;
        return Promise.resolve(result(leak));
      },
    },
    new FindingStore(),
    { target: '/t/target', prefix: '/out/', verifyRuns: 3, sink },
  );
  const input = Buffer.from('LAB');
  const out = await triager.handle(input, result(leak));
  assert.equal(out.status, 'new');
  assert.match(out.record.artifact, /^\/out\/leak-[0-9a-f]{40}$/);
  assert.equal(out.record.type, 'memory-leak');
  assert.deepEqual(out.record.crashState, ['leaky_copy']);
  assert.deepEqual(out.record.verification, { status: 'reproducible', runs: 3, reproduced: 3 });
  assert.deepEqual([plain, checked], [0, 3]);
  assert.deepEqual(
    out.record.stacks.map((s) => [s.title, s.frames[1]?.function]),
    [['Direct leak of 3 byte(s) in 1 object(s) allocated from', 'leaky_copy']],
  );
});
