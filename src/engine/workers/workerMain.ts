// `fuzz-worker`: the engine bundle started by a parallel run's parent, talking over the Node IPC channel.
import type { FromWorker, ToWorker } from './protocol';
import { runWorker, type ParentChannel } from './worker';

/** The process's IPC channel; `flushed` settles once everything sent so far is written. */
function processChannel(): ParentChannel & { flushed(): Promise<void> } {
  let last: Promise<void> = Promise.resolve();
  return {
    send: (msg: FromWorker) => {
      if (process.send === undefined || !process.connected) return;
      last = new Promise<void>((resolve) => {
        process.send?.(msg, undefined, {}, () => resolve());
      });
    },
    onMessage: (handler) => process.on('message', (m) => handler(m as ToWorker)),
    onDisconnect: (handler) => process.on('disconnect', handler),
    flushed: () => last,
  };
}

/** Runs this process as a worker; only meaningful when a parent forked it with an IPC channel. */
export async function fuzzWorkerCommand(): Promise<number> {
  if (process.send === undefined) {
    process.stderr.write(
      'fuzzwb: fuzz-worker is started by `fuzzwb fuzz -workers=N`, not by hand\n',
    );
    return 1;
  }
  // The parent decides when to stop (its 'stop' message, or its channel closing).
  process.on('SIGINT', () => undefined);
  const channel = processChannel();
  const code = await runWorker(channel);
  await channel.flushed();
  if (process.connected) process.disconnect();
  return code;
}
