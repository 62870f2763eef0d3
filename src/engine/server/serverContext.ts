// What the engine server's request handlers share: the session host, defaults, error mapping.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { isTargetError } from '../exec/executor';
import { SessionOptionsError } from '../session/fuzzSession';
import { SessionRequestError, type SessionHost } from './sessionHost';

export interface EngineDefaults {
  timeoutMs: number;
  rssLimitMb: number;
  startupTimeoutMs: number;
  verifyRuns: number;
}

export interface ServerContext {
  host: SessionHost;
  defaults: EngineDefaults;
}

/** Errors whose message the user can act on; anything else is an engine bug and keeps its stack. */
function isUserFacing(err: unknown): err is Error {
  return (
    isTargetError(err) || err instanceof SessionOptionsError || err instanceof SessionRequestError
  );
}

/** A request failure for the client: a one-line message for known errors, the stack otherwise. */
export function asUserError(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err as ResponseError<void>;
  if (typeof err === 'string') return new ResponseError(LSPErrorCodes.RequestFailed, err);
  if (isUserFacing(err)) return new ResponseError(LSPErrorCodes.RequestFailed, err.message);
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return new ResponseError(LSPErrorCodes.RequestFailed, `engine error: ${text}`);
}
