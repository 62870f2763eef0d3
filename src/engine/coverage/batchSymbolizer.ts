// Symbolizes many module-relative PCs at once with llvm-symbolizer (JSON, one process per batch).
import { spawn } from 'node:child_process';
import { parseSymbolizerLine, type SymbolLocation } from '../triage/symbolizer';

/** Source location of one PC: the innermost inlined frame, which is where the code came from. */
export interface PcLocation {
  file: string;
  line: number;
  column: number;
  func: string;
}

/** Symbolizes PCs of one module; tests pass a fake. */
export interface PcSymbolizer {
  /** One answer per offset, in order; undefined where nothing is known. Rejects on a tool failure. */
  symbolize(module: string, offsets: readonly number[]): Promise<(PcLocation | undefined)[]>;
}

function toPcLocation(locs: SymbolLocation[]): PcLocation | undefined {
  const inner = locs[0];
  if (inner?.file === undefined || inner.line === undefined) return undefined;
  return { file: inner.file, line: inner.line, column: inner.column ?? 0, func: inner.func };
}

/** Runs one llvm-symbolizer over `offsets` (addresses in on stdin, one JSON line out each). */
function runOnce(tool: string, module: string, offsets: readonly number[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['--output-style=JSON', '--inlines', `--obj=${module}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err = (err + s).slice(-2000);
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => reject(new Error(`cannot run ${tool}: ${e.message}`)));
    child.on('close', (code) => {
      const lines = Buffer.concat(out)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      if (code !== 0 && lines.length < offsets.length) {
        const why = err.trim().split('\n').pop() ?? '';
        reject(new Error(`${tool} failed on ${module} (exit ${code}): ${why}`));
        return;
      }
      resolve(lines);
    });
    child.stdin.end(offsets.map((o) => `0x${o.toString(16)}`).join('\n') + '\n');
  });
}

/**
 * llvm-symbolizer in batch mode. The PCs are split over `parallel` processes: the symbolizer is
 * single-threaded and loading the debug info once per process is cheap next to 100k lookups.
 */
export class LlvmPcSymbolizer implements PcSymbolizer {
  constructor(
    private readonly tool: string,
    private readonly parallel = 2,
  ) {}

  async symbolize(module: string, offsets: readonly number[]): Promise<(PcLocation | undefined)[]> {
    if (offsets.length === 0) return [];
    const per = Math.ceil(offsets.length / Math.max(1, this.parallel));
    const chunks: (readonly number[])[] = [];
    for (let i = 0; i < offsets.length; i += per) chunks.push(offsets.slice(i, i + per));
    const answers = await Promise.all(chunks.map((c) => runOnce(this.tool, module, c)));
    const out: (PcLocation | undefined)[] = [];
    answers.forEach((lines, k) => {
      const want = chunks[k]?.length ?? 0;
      for (let i = 0; i < want; i++) {
        const line = lines[i];
        out.push(line === undefined ? undefined : toPcLocation(parseSymbolizerLine(line)));
      }
    });
    return out;
  }
}
