// What the engine server does with an error nobody caught: tell the client, then exit non-zero.

/** Exit code after an uncaught engine error: non-zero, so the client restarts the engine. */
export const EXIT_ENGINE_ERROR = 3;

/** Longest wait for the log to reach the client before exiting anyway. */
const LOG_GRACE_MS = 1000;

/**
 * Returns the handler for `uncaughtException` / `unhandledRejection`. The engine's state is
 * unknown after such an error, so it does not go on: it writes the stack to stderr and to the
 * client's log (the user sees why), then exits once the log is sent or the grace time is over.
 */
export function fatalHandler(
  sendLog: (message: string) => Promise<void>,
  exit: (code: number) => void,
  stderr: (text: string) => void = (t) => void process.stderr.write(t),
  graceMs = LOG_GRACE_MS,
): (what: string, err: unknown) => void {
  let dying = false;
  return (what, err) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    stderr(`fuzzwb serve: ${what}: ${text}\n`);
    if (dying) return;
    dying = true;
    let exited = false;
    const once = (): void => {
      if (exited) return;
      exited = true;
      exit(EXIT_ENGINE_ERROR);
    };
    setTimeout(once, graceMs).unref();
    sendLog(`engine ${what}: ${text}`).then(once, once);
  };
}
