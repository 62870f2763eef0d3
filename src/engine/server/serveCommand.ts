// `fuzzwb serve --stdio`: the engine as the extension's JSON-RPC server (vscode-languageserver).
import { Writable } from 'node:stream';
import {
  createConnection,
  ResponseError,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import {
  CoverageSnapshotRequest,
  LogNotification,
  PROTOCOL_VERSION,
  StartRequest,
  StopRequest,
  type EngineInitOptions,
} from '../../protocol/messages';
import { UsageError } from '../cli/flags';
import { FUZZWB_VERSION } from '../triage/session';
import { registerFindingRequests } from './findingRequests';
import { fatalHandler } from './fatalErrors';
import { registerImportRequests } from './importRequests';
import { asUserError, type ServerContext } from './serverContext';
import { SessionHost } from './sessionHost';
import { registerWorkspaceRequests } from './workspaceRequests';

/**
 * Takes stdout for the connection alone. Anything else that writes to process.stdout (a stray
 * log, a library) goes to stderr instead, where the client shows it as engine output; a byte of
 * it on stdout would corrupt the JSON-RPC stream.
 */
function claimStdout(): Writable {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout) as (chunk: Buffer | string, cb: () => void) => boolean;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const channel = new Writable({
    write(chunk: Buffer, _enc, cb) {
      write(chunk, () => cb());
    },
  });
  stdout.on('error', (err: Error) => channel.destroy(err));
  return channel;
}

function checkInit(options: unknown): EngineInitOptions {
  const o = (options ?? {}) as Partial<EngineInitOptions>;
  if (o.protocolVersion !== PROTOCOL_VERSION) {
    throw new ResponseError(
      1,
      `the extension speaks protocol ${String(o.protocolVersion)}, this engine ${PROTOCOL_VERSION}: ` +
        'reinstall the extension so both parts come from one build',
      { retry: false },
    );
  }
  return { protocolVersion: PROTOCOL_VERSION, workspaceRoot: o.workspaceRoot ?? process.cwd() };
}

/** The CLI's flag defaults, for what the IDE's settings do not set. */
const ENGINE_DEFAULTS = {
  timeoutMs: 1200,
  rssLimitMb: 2048,
  startupTimeoutMs: 10_000,
  verifyRuns: 3,
};

function registerSessionRequests(connection: Connection, ctx: ServerContext): void {
  connection.onRequest(StartRequest, async (params) => {
    try {
      return await ctx.host.start(params);
    } catch (err) {
      throw asUserError(err);
    }
  });
  connection.onRequest(StopRequest, () => ctx.host.stop());
  connection.onRequest(CoverageSnapshotRequest, (params) => ctx.host.snapshot(params));
}

/** Takes the raw arguments: `--stdio` (and what a language client adds) are not fuzzer flags. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  if (!argv.includes('--stdio')) throw new UsageError('usage: fuzzwb serve --stdio');
  const connection = createConnection(process.stdin, claimStdout());
  const die = fatalHandler(
    (message) => connection.sendNotification(LogNotification, { level: 'error', message }),
    (code) => process.exit(code),
  );
  process.on('uncaughtException', (err) => die('crashed', err));
  process.on('unhandledRejection', (err) => die('crashed (unhandled rejection)', err));

  const ctx: ServerContext = {
    host: new SessionHost(connection, ENGINE_DEFAULTS),
    defaults: ENGINE_DEFAULTS,
  };
  connection.onInitialize((params): InitializeResult => {
    const init = checkInit(params.initializationOptions);
    ctx.host.log('info', `engine ${FUZZWB_VERSION} (pid ${process.pid}) for ${init.workspaceRoot}`);
    return { capabilities: {}, serverInfo: { name: 'fuzzwb', version: FUZZWB_VERSION } };
  });
  registerSessionRequests(connection, ctx);
  registerFindingRequests(connection, ctx);
  registerImportRequests(connection, ctx);
  registerWorkspaceRequests(connection);
  connection.onShutdown(() => ctx.host.dispose());
  const exited = new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  connection.listen();
  return exited;
}
