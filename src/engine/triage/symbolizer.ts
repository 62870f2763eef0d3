// Long-lived llvm-symbolizer processes, one per module, in JSON batch mode; answers cached by build-id.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readBuildId } from './buildId';

/** One source location of an address; inlined calls give several, innermost first. */
export interface SymbolLocation {
  func: string;
  file?: string;
  line?: number;
  column?: number;
}

/** What report symbolization needs; tests pass a fake. */
export interface Symbolizer {
  /** Locations of a module-relative address; [] when nothing is known. Never rejects. */
  symbolize(module: string, offset: bigint): Promise<SymbolLocation[]>;
  close(): Promise<void>;
}

interface JsonSymbol {
  FunctionName?: string;
  FileName?: string;
  Line?: number;
  Column?: number;
}

/** One llvm-symbolizer answer line (--output-style=JSON) as locations. */
export function parseSymbolizerLine(line: string): SymbolLocation[] {
  try {
    const parsed = JSON.parse(line) as { Symbol?: JsonSymbol[] };
    const out: SymbolLocation[] = [];
    for (const s of parsed.Symbol ?? []) {
      const func = s.FunctionName ?? '';
      if (func === '' && (s.FileName ?? '') === '') continue;
      const loc: SymbolLocation = { func: func === '' ? '??' : func };
      if (s.FileName !== undefined && s.FileName !== '') loc.file = s.FileName;
      if (s.Line !== undefined && s.Line > 0) loc.line = s.Line;
      if (s.Column !== undefined && s.Column > 0) loc.column = s.Column;
      out.push(loc);
    }
    return out;
  } catch {
    return [];
  }
}

/** How long one answer may take before the process is given up on. */
const ANSWER_TIMEOUT_MS = 15000;

/** One llvm-symbolizer process bound to one module: addresses in on stdin, JSON lines out. */
class ModuleSymbolizer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((locs: SymbolLocation[]) => void)[] = [];
  private pending = '';
  private dead = false;

  constructor(tool: string, module: string) {
    this.child = spawn(tool, ['--output-style=JSON', '--inlines', `--obj=${module}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.resume();
    this.child.stdin.on('error', () => this.fail());
    this.child.on('error', () => this.fail());
    this.child.on('exit', () => this.fail());
  }

  lookup(offset: bigint): Promise<SymbolLocation[]> {
    if (this.dead) return Promise.resolve([]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(), ANSWER_TIMEOUT_MS);
      this.waiting.push((locs) => {
        clearTimeout(timer);
        resolve(locs);
      });
      this.child.stdin.write(`0x${offset.toString(16)}\n`);
    });
  }

  close(): Promise<void> {
    if (this.dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }

  private onData(chunk: string): void {
    this.pending += chunk;
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl < 0) return;
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line.trim() === '') continue;
      this.waiting.shift()?.(parseSymbolizerLine(line));
    }
  }

  /** A dead or hung symbolizer answers nothing from then on; triage goes on without symbols. */
  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    for (const w of this.waiting.splice(0)) w([]);
  }
}

/** llvm-symbolizer-backed Symbolizer: one process per module, answers cached by build-id. */
export class LlvmSymbolizer implements Symbolizer {
  private readonly processes = new Map<string, ModuleSymbolizer>();
  private readonly buildIds = new Map<string, string>();
  private readonly cache = new Map<string, Promise<SymbolLocation[]>>();

  constructor(private readonly tool: string) {}

  symbolize(module: string, offset: bigint): Promise<SymbolLocation[]> {
    const key = `${this.identity(module)}@${offset.toString(16)}`;
    let answer = this.cache.get(key);
    if (answer === undefined) {
      let proc = this.processes.get(module);
      if (proc === undefined) {
        proc = new ModuleSymbolizer(this.tool, module);
        this.processes.set(module, proc);
      }
      answer = proc.lookup(offset);
      this.cache.set(key, answer);
    }
    return answer;
  }

  async close(): Promise<void> {
    const all = [...this.processes.values()];
    this.processes.clear();
    await Promise.all(all.map((p) => p.close()));
  }

  /** The same build at another path shares answers; a rebuilt file at the same path does not. */
  private identity(module: string): string {
    let id = this.buildIds.get(module);
    if (id === undefined) {
      id = readBuildId(module) ?? `path:${module}`;
      this.buildIds.set(module, id);
    }
    return id;
  }
}
