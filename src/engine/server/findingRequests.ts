// Engine server requests about findings on disk: list them, reproduce one, minimize one.
import { readFileSync } from 'node:fs';
import type { Connection } from 'vscode-languageserver/node';
import {
  ListFindingsRequest,
  MinimizeRequest,
  ReproduceRequest,
  type ReproduceResult,
} from '../../protocol/messages';
import { loadFindings } from '../fuzz/artifacts';
import { MinimizeInputError, minimizeFile } from '../triage/minimizeFile';
import { runInputs, summarizeRun } from '../triage/reproduceInput';
import { asUserError, type ServerContext } from './serverContext';

export function registerFindingRequests(connection: Connection, ctx: ServerContext): void {
  connection.onRequest(ListFindingsRequest, ({ artifactPrefix }) => {
    const { records, warnings } = loadFindings(artifactPrefix);
    return { findings: records, warnings };
  });

  connection.onRequest(ReproduceRequest, async ({ binary, input, timeoutMs }) => {
    let data: Buffer;
    try {
      data = readFileSync(input);
    } catch (err) {
      throw asUserError(`cannot read ${input}: ${(err as Error).message}`);
    }
    let result: ReproduceResult = { kind: 'ok', report: '' };
    try {
      await runInputs(
        {
          target: binary,
          timeoutMs,
          rssLimitMb: ctx.defaults.rssLimitMb,
          startupTimeoutMs: ctx.defaults.startupTimeoutMs,
          persistent: 1,
          detectLeaks: true,
        },
        [data],
        (_i, r) => {
          const s = summarizeRun(r);
          const head =
            `${binary} ${input}\nended: ${s.kind}` +
            (s.type !== undefined ? ` (${s.sanitizer ?? ''} ${s.type})` : '') +
            (s.at !== undefined ? ` at ${s.at}` : '');
          // The child symbolized its own report, so it reads as the plain binary's would.
          result = { kind: r.kind, report: `${head}\n\n${r.output.toString('utf8')}` };
        },
      );
    } catch (err) {
      throw asUserError(err);
    }
    return result;
  });

  connection.onRequest(MinimizeRequest, async (p) => {
    try {
      const r = await minimizeFile(
        {
          target: p.binary,
          crashFile: p.input,
          artifactPrefix: p.artifactPrefix,
          exactPath: '',
          timeoutMs: ctx.defaults.timeoutMs,
          rssLimitMb: ctx.defaults.rssLimitMb,
          startupTimeoutMs: ctx.defaults.startupTimeoutMs,
          triageSkip: '',
          maxRuns: 0,
          maxTimeMs: p.maxTotalTimeSec * 1000,
        },
        (m) => ctx.host.log('info', m),
      );
      return { path: r.path, size: r.size, originalSize: r.originalSize };
    } catch (err) {
      if (err instanceof MinimizeInputError) throw asUserError(err.message);
      throw asUserError(err);
    }
  });
}
