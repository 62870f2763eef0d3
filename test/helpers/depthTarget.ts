// A fake target for loop tests: an input reaches "depth" d (edges 0..d), and the deepest crashes.
import type {
  BatchFinding,
  BatchOptions,
  BatchResult,
  ExecResult,
} from '../../src/engine/native/types';

/** An ok end with nothing else to say. */
export const OK_END: ExecResult = {
  kind: 'ok',
  signal: 0,
  exitCode: 0,
  output: Buffer.alloc(0),
  outputTruncated: false,
  durationUs: 1,
  ret: 0,
  newCoverage: false,
  pid: 1,
};

/**
 * Runs a batch the way the native executor reports it: depth `crashDepth` is a crash (the batch
 * stops there unless stopOnFinding is false); otherwise edges 0..depth are marked in `acc`, and
 * with feedback on an input that marked a new one is reported as new coverage.
 */
export function runDepthBatch(
  inputs: Buffer[],
  opts: BatchOptions | undefined,
  depthOf: (input: Buffer) => number,
  crashDepth: number,
  acc: Buffer,
): BatchResult {
  const findings: BatchFinding[] = [];
  let execs = 0;
  for (const [index, input] of inputs.entries()) {
    execs++;
    const depth = depthOf(input);
    if (depth === crashDepth) {
      findings.push({ ...OK_END, kind: 'crash', signal: 11, exitCode: -1, index });
      if (opts?.stopOnFinding !== false) break;
      continue;
    }
    let fresh = false;
    for (let e = 0; e <= depth; e++) {
      if (acc[e] === 0) fresh = true;
      acc[e] = 1;
    }
    if (fresh && opts?.feedback === true) findings.push({ ...OK_END, newCoverage: true, index });
  }
  return { execs, elapsedUs: execs, findings, restarts: 0 };
}
