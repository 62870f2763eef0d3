// The engine child process: started with the host's Node, its exit and last stderr lines kept.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One line for the Output channel: why the engine is gone. */
export function describeExit(exit: EngineExit | undefined): string {
  if (exit === undefined) return 'the engine closed its connection';
  if (exit.signal !== null) {
    const hint = exit.signal === 'SIGKILL' ? ' (killed, or out of memory)' : '';
    return `the engine was killed by ${exit.signal}${hint}`;
  }
  return `the engine exited with code ${String(exit.code)}`;
}

/** Keeps the last `max` lines of a stream, for the cause of a crash. */
export class LineTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  push(text: string): string[] {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((l) => l.trim() !== '');
    this.lines.push(...complete);
    if (this.lines.length > this.max) this.lines = this.lines.slice(-this.max);
    return complete;
  }

  get text(): string {
    return [...this.lines, ...(this.partial !== '' ? [this.partial] : [])].join('\n');
  }
}

/**
 * Starts `node out/engine.js serve --stdio` with the extension host's own executable. Under
 * Electron, ELECTRON_RUN_AS_NODE makes that executable a plain Node (what vscode-languageclient's
 * module transport does too); in the VS Code server it is Node already. The process is started
 * here rather than by the language client so that its exit code, signal and stderr are ours to
 * report when it dies.
 */
export class EngineProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private exitInfo: EngineExit | undefined;
  private exitWaiters: (() => void)[] = [];
  readonly stderrTail = new LineTail(20);

  constructor(
    private readonly enginePath: string,
    private readonly cwd: string,
    private readonly onStderrLine: (line: string) => void,
  ) {}

  start(): ChildProcessWithoutNullStreams {
    this.exitInfo = undefined;
    const child = spawn(process.execPath, [this.enginePath, 'serve', '--stdio'], {
      cwd: this.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      for (const line of this.stderrTail.push(s)) this.onStderrLine(line);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.exitInfo = { code, signal };
      for (const w of this.exitWaiters.splice(0)) w();
    });
    // A spawn failure (no executable) arrives as 'error'; the closed stream reports it.
    child.on('error', (err) => this.onStderrLine(`cannot start the engine: ${err.message}`));
    this.child = child;
    return child;
  }

  get pid(): number | undefined {
    return this.exitInfo === undefined ? this.child?.pid : undefined;
  }

  /** The exit of the current process, waiting up to `ms` for it (stdout may close first). */
  async exit(ms: number): Promise<EngineExit | undefined> {
    if (this.exitInfo !== undefined || this.child === undefined) return this.exitInfo;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.exitInfo;
  }

  /** Ends the process if the shutdown handshake did not. */
  kill(): void {
    if (this.child !== undefined && this.exitInfo === undefined) this.child.kill('SIGTERM');
  }
}
