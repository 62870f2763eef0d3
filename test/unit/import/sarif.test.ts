// SARIF import: our own logs keep their crash states; foreign ones give stacks from flows; bad logs fail.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFindings, type FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { PathResolver } from '../../../src/engine/coverage/pathResolver';
import { Importer } from '../../../src/engine/import/importer';
import { parseSarifLog, SarifImportError } from '../../../src/engine/import/sarifImport';
import { buildSarif } from '../../../src/engine/triage/sarif';

const NOW = new Date('2026-03-04T05:06:07.000Z');

const ours: FindingRecord = {
  artifact: '/out/crash-0123',
  kind: 'sanitizer',
  signal: 0,
  exitCode: 1,
  sanitizer: 'AddressSanitizer',
  type: 'heap-buffer-overflow READ',
  access: { op: 'READ', size: 1 },
  crashState: ['dma_start', 'device_write', 'LLVMFuzzerTestOneInput'],
  frames: [
    { function: 'dma_start', file: '/src/device.c', line: 76, column: 54 },
    { function: 'device_write', file: '/src/device.c', line: 140 },
    { function: 'LLVMFuzzerTestOneInput', file: '/src/device_fuzz.c', line: 24 },
  ],
  stacks: [],
  firstSeen: '2026-01-02T03:04:05.000Z',
  lastSeen: '2026-01-02T03:04:05.000Z',
  hitCount: 4,
  size: 12,
  verification: { status: 'reproducible', runs: 3, reproduced: 3 },
  reproduce: ['/t/device', '/out/crash-0123'],
};

/** A libFuzzer-style report turned SARIF by some other tool: a rule, a message, a thread flow. */
const foreign = {
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: { name: 'ClusterFuzzLite', version: '1', rules: [{ id: 'heap-use-after-free' }] },
      },
      results: [
        {
          ruleIndex: 0,
          message: { text: 'Heap-use-after-free in dma_start' },
          codeFlows: [
            {
              threadFlows: [
                {
                  locations: [
                    {
                      location: {
                        physicalLocation: {
                          artifactLocation: { uri: 'examples/device/device_fuzz.c' },
                          region: { startLine: 24 },
                        },
                        logicalLocations: [{ name: 'LLVMFuzzerTestOneInput' }],
                      },
                    },
                    {
                      location: {
                        physicalLocation: {
                          artifactLocation: { uri: 'examples/device/device.c' },
                          region: { startLine: 140, startColumn: 7 },
                        },
                        logicalLocations: [{ fullyQualifiedName: 'device_write' }],
                      },
                    },
                    {
                      location: {
                        physicalLocation: {
                          artifactLocation: { uri: 'file:///src/proj/examples/device/dev%20ice.c' },
                          region: { startLine: 75 },
                        },
                        logicalLocations: [{ name: 'dma_start' }],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          ruleId: 'stack-overflow',
          message: { text: 'Stack-overflow' },
          relatedLocations: [
            {
              physicalLocation: { artifactLocation: { uri: 'parser.c' }, region: { startLine: 9 } },
              logicalLocations: [{ name: 'recurse(int)' }],
            },
          ],
        },
      ],
    },
  ],
};

test('our own SARIF log comes back with its type, crash state and frames', () => {
  const text = JSON.stringify(buildSarif([ours], '0.1.0'));
  const parsed = parseSarifLog(text, '/logs/ours.sarif', 'found/', NOW);
  assert.deepEqual(parsed.tools, ['fuzzwb 0.1.0']);
  const [f] = parsed.findings;
  assert.ok(f !== undefined);
  assert.equal(f.record.type, 'heap-buffer-overflow READ');
  assert.deepEqual(f.record.crashState, ours.crashState);
  assert.deepEqual(
    f.record.frames.map((x) => [x.function, x.file, x.line]),
    ours.frames.map((x) => [x.function, x.file, x.line]),
  );
  assert.match(f.record.artifact, /^found\/crash-[0-9a-f]{40}$/);
  assert.deepEqual(f.record.origin, {
    kind: 'imported from SARIF',
    tool: 'fuzzwb 0.1.0',
    from: '/logs/ours.sarif',
    ruleId: 'heap-buffer-overflow',
    message: f.record.headline,
  });
  assert.equal(f.record.verification.status, 'unverified');
  assert.equal(f.record.firstSeen, NOW.toISOString());
});

test('a foreign SARIF log: rule as type, stack from the thread flow (crash first), related locations', () => {
  const parsed = parseSarifLog(JSON.stringify(foreign), '/logs/cfl.sarif', '', NOW);
  assert.deepEqual(parsed.tools, ['ClusterFuzzLite 1']);
  const [uaf, so] = parsed.findings.map((f) => f.record);
  assert.ok(uaf !== undefined && so !== undefined);
  assert.equal(uaf.type, 'heap-use-after-free');
  // As our own crash states: harness glue left out.
  assert.deepEqual(uaf.crashState, ['dma_start', 'device_write']);
  assert.deepEqual(uaf.frames[0], {
    function: 'dma_start',
    file: '/src/proj/examples/device/dev ice.c',
    line: 75,
  });
  assert.deepEqual(uaf.frames[1], {
    function: 'device_write',
    file: 'examples/device/device.c',
    line: 140,
    column: 7,
  });
  assert.equal(uaf.origin.message, 'Heap-use-after-free in dma_start');
  assert.equal(so.type, 'stack-overflow');
  assert.deepEqual(so.crashState, ['recurse']);
  assert.notEqual(uaf.artifact, so.artifact);
});

test('malformed logs are clear errors', () => {
  const cases: [string, RegExp][] = [
    ['{"runs": [', /bad\.sarif: not JSON/],
    ['{"version": "2.1.0"}', /not a SARIF log/],
    ['{"version": "2.0.0", "runs": []}', /SARIF version 2\.0\.0, not 2\.1\.0/],
    ['{"version": "2.1.0", "runs": [{"results": []}]}', /runs\[0\] has no tool\.driver/],
    [
      '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": {}}]}',
      /runs\[0\]\.results is not an array/,
    ],
    [
      '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [3]}]}',
      /results\[0\] is not an object/,
    ],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseSarifLog(text, '/x/bad.sarif', '', NOW),
      (e: Error) => e instanceof SarifImportError && re.test(e.message),
      text,
    );
  }
});

test('imported SARIF findings land in the store format, and a second import only counts hits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-sarif-'));
  const prefix = `${dir}/`;
  const noRuns = { run: () => Promise.reject(new Error('nothing to run')) };
  const first = new Importer(noRuns, { target: '/t/device', prefix, verifyRuns: 0, skip: '' });
  // ClusterFuzzLite's file names are those of its build image; the workspace has them at /ws.
  const workspace = new Set(['/ws/examples/device/dev ice.c']);
  const paths = new PathResolver(['/ws'], {
    isFile: (p) => workspace.has(p),
    realpath: (p) => p,
  });
  const lines = first.importSarif(
    parseSarifLog(JSON.stringify(foreign), '/l.sarif', prefix, NOW),
    paths,
  );
  await first.close();
  assert.deepEqual(
    lines.map((l) => l.status),
    ['new', 'new'],
  );
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 4);
  const loaded = loadFindings(prefix);
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.records.length, 2);
  const record = loaded.records.find((r) => r.type === 'heap-use-after-free');
  assert.ok(record !== undefined && existsSync(record.artifact));
  assert.match(readFileSync(record.artifact, 'utf8'), /"tool": "ClusterFuzzLite 1"/);
  assert.equal((record as { origin?: { kind: string } }).origin?.kind, 'imported from SARIF');
  assert.deepEqual(
    record.frames.map((f) => f.file),
    ['/ws/examples/device/dev ice.c', 'examples/device/device.c', 'examples/device/device_fuzz.c'],
  );

  const again = new Importer(noRuns, { target: '/t/device', prefix, verifyRuns: 0, skip: '' });
  const second = again.importSarif(parseSarifLog(JSON.stringify(foreign), '/l.sarif', prefix, NOW));
  await again.close();
  assert.deepEqual(
    second.map((l) => l.status),
    ['duplicate', 'duplicate'],
  );
  assert.equal(readdirSync(dir).length, 4);
  const hits = loadFindings(prefix).records.map((r) => r.hitCount);
  assert.deepEqual(hits, [2, 2]);
});
