// The connection to the engine: a LanguageClient over stdio, restarted with backoff when it dies.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type StreamInfo,
} from 'vscode-languageclient/node';
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { LogNotification, PROTOCOL_VERSION, type EngineInitOptions } from '../../protocol/messages';
import { hostTasks } from '../perf/taskTimer';
import { describeExit, EngineProcess } from './engineProcess';
import { RestartPolicy } from './restartPolicy';

/** How long a request waits for a (re)starting engine before it fails. */
const READY_TIMEOUT_MS = 60_000;

export interface EngineClientOptions {
  enginePath: string;
  workspaceRoot: string;
  output: vscode.LogOutputChannel;
  /** The engine is up: the first time, and after every restart (`restarts` > 0). */
  onRunning: (restarts: number) => void;
  /** The engine died; whatever it was running is gone. */
  onLost: () => void;
}

export class EngineClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly proc: EngineProcess;
  private readonly policy = new RestartPolicy();
  private restarts = 0;
  private disposed = false;
  /** Between the engine's death and its restart the client still reads as running. */
  private lost = false;

  constructor(private readonly opts: EngineClientOptions) {
    const { output } = opts;
    this.proc = new EngineProcess(opts.enginePath, opts.workspaceRoot, (line) =>
      output.info(`[engine] ${line}`),
    );
    const init: EngineInitOptions = {
      protocolVersion: PROTOCOL_VERSION,
      workspaceRoot: opts.workspaceRoot,
    };
    const clientOptions: LanguageClientOptions = {
      // Not a language server: no documents are synchronized.
      documentSelector: [],
      initializationOptions: init,
      outputChannel: output,
      errorHandler: {
        // A bad message is logged; the connection stays (a dead engine arrives at closed()).
        error: (err) => {
          output.warn(`engine connection error: ${err.message}`);
          return { action: ErrorAction.Continue, handled: true };
        },
        closed: () => this.onClosed(),
      },
    };
    const serverOptions = (): Promise<StreamInfo> => {
      const child = this.proc.start();
      return Promise.resolve({ reader: child.stdout, writer: child.stdin });
    };
    this.client = new LanguageClient(
      'fuzzwb',
      'Fuzz Workbench engine',
      serverOptions,
      clientOptions,
    );
    this.client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      this.lost = false;
      this.policy.started(Date.now());
      output.info(
        this.restarts === 0
          ? `engine started (pid ${String(this.proc.pid)})`
          : `engine restarted (pid ${String(this.proc.pid)}, restart ${this.restarts})`,
      );
      opts.onRunning(this.restarts);
    });
    this.client.onNotification(
      LogNotification,
      hostTasks.wrap('engine log', ({ level, message }) => {
        if (level === 'error') output.error(message);
        else if (level === 'warning') output.warn(message);
        else output.info(message);
      }),
    );
  }

  /** The dead engine's cause goes to the Output channel; a restart follows after the backoff. */
  private async onClosed(): Promise<{ action: CloseAction; handled: boolean; message?: string }> {
    if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
    this.lost = true;
    const exit = await this.proc.exit(2000);
    const delay = this.policy.nextDelay(Date.now());
    const tail = this.proc.stderrTail.text;
    this.opts.output.error(
      `${describeExit(exit)}; restarting it in ${delay / 1000} s` +
        (tail !== '' ? `. Its last output:\n${tail}` : ''),
    );
    this.opts.onLost();
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
    this.restarts++;
    return { action: CloseAction.Restart, handled: true, message: 'restarting the fuzz engine' };
  }

  async start(): Promise<void> {
    await this.client.start();
  }

  /** The engine's process id while it runs (tests kill it to check the restart). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    // The client keeps the handler across restarts; each call is timed (the host must not block).
    this.client.onNotification(type, hostTasks.wrap(`engine ${type.method}`, handler));
  }

  /** Sends a request once the engine runs, waiting for a restart in progress. */
  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    await this.ready();
    return this.client.sendRequest(type, params);
  }

  private async ready(): Promise<void> {
    if (!this.lost && this.client.state === State.Running) return;
    // A first start that failed (no restart is pending then) is retried by the user's request.
    if (!this.lost && this.client.state === State.Stopped && !this.disposed) {
      await this.client.start();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error('the fuzz engine is not running (see the Fuzz Workbench output)'));
      }, READY_TIMEOUT_MS);
      const sub = this.client.onDidChangeState((e) => {
        if (e.newState !== State.Running) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    // stop() sends shutdown and exit; the process is killed if it does not go within 2 s.
    this.client.stop(2000).then(
      () => this.proc.kill(),
      () => this.proc.kill(),
    );
  }
}
