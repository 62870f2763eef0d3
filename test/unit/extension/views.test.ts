// Findings tree nodes, the tree commands' argument, and the status bar text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  artifactArgument,
  buildFindingsTree,
  childrenOf,
  type TreeNode,
} from '../../../src/extension/views/findingsModel';
import { statusView } from '../../../src/extension/views/statusText';
import { ROOT, finding, status } from './fixtures';

test('target → finding → frames and stacks, with labels, locations and tooltip', () => {
  const older = finding({ type: 'SIGSEGV', crashState: ['x'], firstSeen: '2026-01-01T00:00:00Z' });
  const tree = buildFindingsTree(
    [
      { target: 'device', record: older },
      { target: 'device', record: finding() },
      { target: 'parser', record: finding() },
    ],
    [ROOT],
  );
  assert.deepEqual(
    tree.map((t) => [t.label, t.description]),
    [
      ['device', '2 findings'],
      ['parser', '1 finding'],
    ],
  );
  const [uaf, segv] = tree[0]?.findings ?? [];
  assert.equal(segv?.label, 'SIGSEGV', 'newest first');
  assert.ok(uaf);
  assert.equal(uaf.label, 'heap-use-after-free READ');
  assert.equal(uaf.description, 'device.c:76');
  assert.match(uaf.tooltip, /3 hits · reproducible \(3\/3 runs reproduced\)/);
  assert.match(uaf.tooltip, /in dma_start/);
  assert.equal(uaf.artifact, finding().artifact);
  const kids = childrenOf(uaf);
  assert.deepEqual(
    kids.map((k) => k.label),
    [
      '#0 __asan_memcpy',
      '#1 dma_start',
      '#2 device_write',
      '#3 LLVMFuzzerTestOneInput',
      '#4 main',
      'freed by thread T0 here',
      'previously allocated by thread T0 here',
    ],
  );
  const dma = kids[1];
  assert.ok(dma?.kind === 'frame');
  assert.deepEqual(dma.location, { file: `${ROOT}/device.c`, line: 76, column: 54 });
  const main = kids[4];
  assert.ok(main?.kind === 'frame');
  assert.equal(main.location, undefined, 'a frame without a line cannot be opened');
  assert.equal(main.description, 'device_fuzz+0x1234');
  const freed = kids[5];
  assert.ok(freed);
  assert.deepEqual(
    childrenOf(freed).map((f) => f.label),
    ['#0 free', '#1 fifo_reset'],
  );
  // Ids are unique across the tree: VS Code rejects duplicates.
  const ids = tree.flatMap(function all(n: TreeNode): string[] {
    return [n.id, ...childrenOf(n).flatMap(all)];
  });
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, 2 + 3 * (1 + 5 + 2 + 4));
});

test('finding commands take a path or a tree node', () => {
  assert.equal(artifactArgument('/x/crash-1'), '/x/crash-1');
  assert.equal(artifactArgument({ kind: 'finding', artifact: '/x/crash-2' }), '/x/crash-2');
  assert.equal(artifactArgument({ kind: 'frame' }), undefined);
  assert.equal(artifactArgument(undefined), undefined);
});

test('status bar: rate, coverage and crashes with separators; tooltip has the details', () => {
  const session = { id: 1, target: 'device', running: true };
  const v = statusView(session, status({ execsPerSec: 1234.4, cov: 567, uniqueFindings: 2 }), 2);
  assert.equal(v.text, '$(bug) 1,234/s · cov 567 · 2 crashes');
  assert.match(v.tooltip, /fuzzing device/);
  assert.match(v.tooltip, /1,000 executions in 1 s/);
  assert.equal(statusView(session, status(), 1).text, '$(bug) 1,234/s · cov 567 · 1 crash');
  const ended = statusView({ ...session, running: false, end: 'finding' }, status(), 1);
  assert.equal(ended.text, '$(bug) stopped · cov 567 · 1 crash');
  assert.match(ended.tooltip, /ended \(finding\)/);
  assert.equal(statusView(undefined, undefined, 0).text, '$(bug) Fuzz');
  assert.equal(statusView(undefined, undefined, 3).text, '$(bug) 3 crashes');
});
