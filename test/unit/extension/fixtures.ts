// Protocol fixtures shared by the extension's pure tests: a finding, a status, a coverage delta.
import type {
  DeltaLine,
  FindingRecord,
  LineState,
  StatusParams,
} from '../../../src/protocol/messages';

export const ROOT = '/ws/device';

export function finding(over: Partial<FindingRecord> = {}): FindingRecord {
  return {
    artifact: `${ROOT}/findings/crash-${'a'.repeat(40)}`,
    kind: 'sanitizer',
    signal: 0,
    exitCode: 1,
    sanitizer: 'AddressSanitizer',
    type: 'heap-use-after-free READ',
    access: { op: 'READ', size: 4 },
    address: '0x602000000010',
    summary: 'AddressSanitizer: heap-use-after-free device.c:76:54 in dma_start',
    crashState: ['dma_start', 'device_write', 'LLVMFuzzerTestOneInput'],
    frames: [
      {
        function: '__asan_memcpy',
        file: '/src/llvm/compiler-rt/lib/asan/asan_interceptors.cpp',
        line: 63,
      },
      { function: 'dma_start', file: `${ROOT}/device.c`, line: 76, column: 54 },
      { function: 'device_write', file: `${ROOT}/device.c`, line: 120, column: 3 },
      { function: 'LLVMFuzzerTestOneInput', file: `${ROOT}/device_fuzz.c`, line: 12, column: 5 },
      { function: 'main', module: '/ws/device/device_fuzz', offset: '0x1234' },
    ],
    stacks: [
      {
        title: 'freed by thread T0 here',
        frames: [
          {
            function: 'free',
            file: '/src/llvm/compiler-rt/lib/asan/asan_malloc_linux.cpp',
            line: 52,
          },
          { function: 'fifo_reset', file: `${ROOT}/device.c`, line: 40, column: 3 },
        ],
      },
      {
        title: 'previously allocated by thread T0 here',
        frames: [
          { function: 'malloc' },
          { function: 'fifo_init', file: `${ROOT}/device.c`, line: 30 },
        ],
      },
    ],
    firstSeen: '2026-11-22T00:00:00.000Z',
    lastSeen: '2026-11-22T00:01:00.000Z',
    hitCount: 3,
    size: 17,
    verification: { status: 'reproducible', runs: 3, reproduced: 3 },
    reproduce: ['./device_fuzz', 'crash-aaaa'],
    ...over,
  };
}

export function status(over: Partial<StatusParams> = {}): StatusParams {
  return {
    sessionId: 1,
    tag: 'pulse',
    execs: 1000,
    execsPerSec: 1234,
    cov: 567,
    corpus: 20,
    uniqueFindings: 2,
    elapsedMs: 1000,
    ...over,
  };
}

export function delta(file: string, lines: [number, LineState][], ms = 0): DeltaLine {
  return {
    ms,
    files: [{ file, lines: lines.map(([line, state]) => ({ line, state })), functions: [] }],
    totals: {
      files: 1,
      lines: lines.length,
      linesHit: lines.filter(([, s]) => s !== 'uncovered').length,
      functions: 0,
      functionsHit: 0,
      edges: 0,
      edgesHit: 0,
    },
  };
}
