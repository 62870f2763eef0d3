// `fuzzwb import TARGET PATH...`: brings other fuzzers' crashes and SARIF logs into our findings.
import { basename, resolve } from 'node:path';
import { PathResolver } from '../coverage/pathResolver';
import { startExecutor } from '../exec/executor';
import { findInputs, ImportSourceError, type FoundInput } from '../import/inputSources';
import { Importer, type ImportLine } from '../import/importer';
import { writeFileAtomic } from '../io/atomicWrite';
import { buildSarif } from '../triage/sarif';
import { FUZZWB_VERSION } from '../triage/session';
import type { CrashRunner } from '../triage/triager';
import { parseSarifLog, SarifImportError, type ParsedSarif } from '../import/sarifImport';
import { EXIT } from './exitCodes';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from './flags';

const USAGE =
  'usage: fuzzwb import TARGET PATH... [-artifact_prefix=DIR] [-json=1] [-sarif=PATH]\n' +
  '  PATH: a SARIF log, a libFuzzer artifact folder, an AFL++ output folder, or a\n' +
  '  ClusterFuzzLite artifact folder or zip';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(l: ImportLine): string {
  const what =
    l.type !== undefined ? `${l.type} in ${(l.crashState ?? []).join(' / ') || '?'}` : '';
  if (l.status === 'not-reproduced') {
    return `${l.from} (${l.tool}, ${l.expected ?? '?'} there): did not reproduce here`;
  }
  return `${l.from} (${l.tool}): ${l.status} ${what} -> ${l.artifact ?? ''}`;
}

/** Reads and checks every PATH before anything runs or is written. */
function gather(
  paths: string[],
  target: string,
  prefix: string,
): { inputs: FoundInput[]; sarif: ParsedSarif[]; skipped: string[] } {
  const inputs: FoundInput[] = [];
  const sarif: ParsedSarif[] = [];
  const skipped: string[] = [];
  const now = new Date();
  for (const p of paths) {
    try {
      const found = findInputs(p, basename(target));
      inputs.push(...found.inputs);
      skipped.push(...found.skipped);
      for (const s of found.sarif) sarif.push(parseSarifLog(s.text, resolve(s.path), prefix, now));
    } catch (err) {
      if (err instanceof ImportSourceError || err instanceof SarifImportError) {
        throw new UsageError(err.message);
      }
      throw err;
    }
  }
  return { inputs, sarif, skipped };
}

export async function importCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...paths] = args.positional;
  if (targetArg === undefined || paths.length === 0) throw new UsageError(USAGE);
  const target = resolve(targetArg);
  const f = args.flags;
  const prefix = stringFlag(f, 'artifact_prefix');
  const json = intFlag(f, 'json') !== 0;
  const { inputs, sarif, skipped } = gather(paths, target, prefix);
  for (const s of skipped) say(`INFO: skipped ${s}`);
  // A SARIF-only import runs nothing, so it works before the target is built.
  const started =
    inputs.length === 0
      ? undefined
      : await startExecutor({
          target,
          timeoutMs: intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000,
          rssLimitMb: intFlag(f, 'rss_limit_mb'),
          persistent: 1,
          handshakeTimeoutMs: intFlag(f, 'startup_timeout_ms'),
          maxInputSize: Math.max(1, ...inputs.map((i) => i.data.length)),
          // Crashes are symbolized by the importer's cached symbolizer, not in every child.
          symbolize: false,
        });
  const runner: CrashRunner = started?.executor ?? {
    run: () => Promise.reject(new Error('no target process: nothing to re-run')),
  };
  const importer = new Importer(runner, {
    target,
    prefix,
    verifyRuns: Math.max(0, intFlag(f, 'verify_runs')),
    skip: stringFlag(f, 'triage_skip'),
  });
  const lines: ImportLine[] = [];
  try {
    for (const w of importer.warnings) say(`WARNING: ${w}`);
    const before = importer.store.size;
    // Inputs first: a finding reproduced here is worth more than a SARIF result of the same bug.
    for (const input of inputs) lines.push(await importer.importInput(input, runner));
    const roots = stringFlag(f, 'source_roots')
      .split(',')
      .filter((r) => r !== '');
    const paths = new PathResolver(roots.length > 0 ? roots : [process.cwd()]);
    for (const s of sarif) lines.push(...importer.importSarif(s, paths));
    for (const l of lines) {
      say(describe(l));
      if (json) process.stdout.write(`${JSON.stringify(l)}\n`);
    }
    const sarifPath = stringFlag(f, 'sarif');
    if (sarifPath !== '') {
      const log = buildSarif(importer.store.records(), FUZZWB_VERSION);
      writeFileAtomic(sarifPath, `${JSON.stringify(log, null, 2)}\n`);
    }
    const count = (s: ImportLine['status']): number => lines.filter((l) => l.status === s).length;
    say(
      `==fuzzwb== imported ${lines.length}: ${count('new')} new, ${count('duplicate')} duplicate, ` +
        `${count('not-reproduced')} did not reproduce; ${importer.store.size - before} new ` +
        `finding(s), ${importer.store.size} in ${prefix === '' ? '.' : prefix}`,
    );
  } finally {
    await importer.close();
    await started?.executor.stop();
  }
  return EXIT.ok;
}
