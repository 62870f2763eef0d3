// Engine server request fuzzwb/import: other fuzzers' crashes into a target's findings, shown as ours are.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  FindingNotification,
  IMPORT_SESSION_ID,
  ImportRequest,
  type FindingParams,
  type ImportParams,
  type ImportResult,
  type ImportSkipped,
  type LogParams,
} from '../../protocol/messages';
import { recordKey, type FindingRecord } from '../fuzz/artifacts';
import type { ImportLine } from '../import/importer';
import { gatherImport, runImport, type GatheredImport } from '../import/importRun';
import { ImportSourceError } from '../import/inputSources';
import { SarifImportError } from '../import/sarifImport';
import { asUserError, type EngineDefaults, type ServerContext } from './serverContext';
import { SessionRequestError, type Notifier } from './sessionHost';

/** `<where>: <reason>` as findInputs words a skipped input (AFL++ names hold ':' but not ': '). */
function splitSkipped(line: string): ImportSkipped {
  const at = line.lastIndexOf(': ');
  return at < 0
    ? { path: line, reason: 'skipped' }
    : { path: line.slice(0, at), reason: line.slice(at + 2) };
}

/**
 * The findings an import touched, each once with its final record, in the order first touched;
 * `isNew` when this import added it (a known one only got hits or a smaller input).
 */
export function touchedFindings(
  lines: readonly ImportLine[],
  records: readonly FindingRecord[],
): { record: FindingRecord; isNew: boolean }[] {
  const byKey = new Map(records.map((r) => [recordKey(r), r]));
  const touched = new Map<string, { record: FindingRecord; isNew: boolean }>();
  for (const l of lines) {
    if (l.status === 'not-reproduced' || l.type === undefined) continue;
    const key = recordKey({ type: l.type, crashState: l.crashState ?? [] });
    const record = byKey.get(key);
    if (record === undefined) continue;
    const seen = touched.get(key);
    touched.set(key, { record, isNew: (seen?.isNew ?? false) || l.status === 'new' });
  }
  return [...touched.values()];
}

/** The counts the extension shows, from what the run did. */
export function importResult(
  gathered: Pick<GatheredImport, 'skipped'>,
  lines: readonly ImportLine[],
  records: readonly FindingRecord[],
  warnings: readonly string[],
): ImportResult {
  const touched = touchedFindings(lines, records);
  const notRun = lines
    .filter((l) => l.status === 'not-reproduced')
    .map((l) => ({
      path: l.from,
      reason: `ran without a crash here (${l.tool} saw a ${l.expected ?? 'crash'})`,
    }));
  return {
    inputsRun: lines.filter((l) => l.kind !== 'sarif').length,
    sarifResults: lines.filter((l) => l.kind === 'sarif').length,
    newFindings: touched.filter((t) => t.isNew).length,
    knownFindings: touched.filter((t) => !t.isNew).length,
    duplicates: lines.filter((l) => l.status === 'duplicate').length,
    skipped: [...gathered.skipped.map(splitSkipped), ...notRun],
    totalFindings: records.length,
    errors: [...warnings],
  };
}

export interface ImportDeps {
  notifier: Notifier;
  defaults: EngineDefaults;
  /** The store a running fuzzing session writes to: two writers would split its dedup. */
  runningPrefix(): string | undefined;
  log(level: LogParams['level'], message: string): void;
  /** Stores being imported into now: a second import into one is refused until the first ends. */
  busy: Set<string>;
}

export async function importFindings(
  params: ImportParams,
  deps: ImportDeps,
): Promise<ImportResult> {
  const { target, paths } = params;
  const prefix = target.artifactPrefix;
  if (paths.length === 0) throw new SessionRequestError('nothing to import: no paths given');
  const running = deps.runningPrefix();
  if (running !== undefined && resolve(running) === resolve(prefix)) {
    throw new SessionRequestError(`${target.name} is being fuzzed: stop fuzzing it to import`);
  }
  if (deps.busy.has(resolve(prefix))) {
    throw new SessionRequestError(`an import into ${target.name} is already running`);
  }
  let gathered: GatheredImport;
  try {
    gathered = gatherImport(paths, target.binary, prefix);
  } catch (err) {
    if (err instanceof ImportSourceError || err instanceof SarifImportError) {
      throw new SessionRequestError(err.message);
    }
    throw err;
  }
  if (gathered.inputs.length > 0 && !existsSync(target.binary)) {
    throw new SessionRequestError(
      `${target.name} is not built (no ${target.binary}): build it to re-run the inputs`,
    );
  }
  deps.busy.add(resolve(prefix));
  try {
    const run = await runImport(
      gathered,
      {
        target: target.binary,
        prefix,
        timeoutMs: params.timeoutMs ?? deps.defaults.timeoutMs,
        rssLimitMb: params.rssLimitMb ?? deps.defaults.rssLimitMb,
        startupTimeoutMs: deps.defaults.startupTimeoutMs,
        verifyRuns: deps.defaults.verifyRuns,
        skip: '',
        sourceRoots: target.sourceRoots,
      },
      (w) => deps.log('warning', `import into ${target.name}: ${w}`),
    );
    // The same notifications a session sends: Problems, the tree and the status bar follow.
    for (const { record, isNew } of touchedFindings(run.lines, run.records)) {
      const finding: FindingParams = {
        sessionId: IMPORT_SESSION_ID,
        record,
        isNew,
        target: target.name,
      };
      deps.notifier.sendNotification(FindingNotification, finding).catch(() => undefined);
    }
    const result = importResult(gathered, run.lines, run.records, run.warnings);
    deps.log(
      'info',
      `imported ${result.inputsRun} input(s) and ${result.sarifResults} SARIF result(s) into ` +
        `${target.name}: ${result.newFindings} new finding(s), ${result.knownFindings} known, ` +
        `${result.skipped.length} skipped`,
    );
    return result;
  } finally {
    deps.busy.delete(resolve(prefix));
  }
}

export function registerImportRequests(connection: Connection, ctx: ServerContext): void {
  const busy = new Set<string>();
  connection.onRequest(ImportRequest, async (params) => {
    try {
      return await importFindings(params, {
        notifier: connection,
        defaults: ctx.defaults,
        runningPrefix: () => ctx.host.runningArtifactPrefix,
        log: (level, message) => ctx.host.log(level, message),
        busy,
      });
    } catch (err) {
      throw asUserError(err);
    }
  });
}
