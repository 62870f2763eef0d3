// The parent's handle on one worker process: forked engine bundle, typed IPC, its stderr, how it ended.
import { fork, type ChildProcess } from 'node:child_process';
import { WORKER_COMMAND, type FromWorker, type ToWorker } from './protocol';

/** What the parent needs of a worker; tests may pass an in-process fake. */
export interface WorkerLink {
  readonly pid: number | undefined;
  send(msg: ToWorker): void;
  /** Ends the process at once (a worker that no longer answers). */
  kill(): void;
}

export interface WorkerLinkEvents {
  message(msg: FromWorker): void;
  /** A line the worker printed on stderr (Node warnings, a crash of the engine itself). */
  stderr(line: string): void;
  /** The process ended; `why` says how ("exit code 1", "signal SIGKILL"). */
  exit(why: string, clean: boolean): void;
}

export type SpawnWorker = (index: number, events: WorkerLinkEvents) => WorkerLink;

/** Forks `entry` (the engine bundle) as `fuzz-worker`; stdout stays closed, it is the server's channel. */
export function forkWorker(entry: string): SpawnWorker {
  return (_index, events) => {
    const child: ChildProcess = fork(entry, [WORKER_COMMAND], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // A process group of its own: Ctrl-C in a terminal reaches the parent, which stops the
      // workers; it must not kill their fork servers mid-input (that reads as a crash).
      detached: true,
    });
    let pending = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') events.stderr(line);
    });
    child.on('message', (m) => events.message(m as FromWorker));
    // A failed fork (no such file) emits 'error' and no 'exit'.
    let ended = false;
    const end = (why: string, clean: boolean): void => {
      if (ended) return;
      ended = true;
      if (pending.trim() !== '') events.stderr(pending);
      events.exit(why, clean);
    };
    // A send to a worker that is exiting (EPIPE) is not its end: 'close' follows with the
    // messages it sent before, e.g. the fatal error that made it exit.
    child.on('error', (err) => {
      if (child.pid === undefined) end(err.message, false);
    });
    // 'close', not 'exit': by then every message and stderr line has been delivered.
    child.on('close', (code, signal) =>
      end(signal !== null ? `signal ${signal}` : `exit code ${code ?? '?'}`, code === 0),
    );
    return {
      pid: child.pid,
      send: (msg) => {
        // The callback keeps a failed send off 'error'; the worker's end is reported by 'close'.
        if (child.connected) child.send(msg, () => undefined);
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  };
}
