// `fuzzwb import TARGET PATH...`: brings other fuzzers' crashes and SARIF logs into our findings.
import { resolve } from 'node:path';
import type { ImportLine } from '../import/importer';
import { gatherImport, runImport, type GatheredImport } from '../import/importRun';
import { ImportSourceError } from '../import/inputSources';
import { writeFileAtomic } from '../io/atomicWrite';
import { buildSarif } from '../triage/sarif';
import { FUZZWB_VERSION } from '../triage/session';
import { SarifImportError } from '../import/sarifImport';
import { EXIT } from './exitCodes';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';

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

/** Every PATH read and checked before anything runs; a bad one is a usage error. */
function gather(paths: string[], target: string, prefix: string): GatheredImport {
  try {
    return gatherImport(paths, target, prefix);
  } catch (err) {
    if (err instanceof ImportSourceError || err instanceof SarifImportError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

export async function importCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...paths] = args.positional;
  if (targetArg === undefined || paths.length === 0) throw new UsageError(USAGE);
  const target = resolve(targetArg);
  const f = args.flags;
  const prefix = f.artifact_prefix;
  const json = f.json !== 0;
  const gathered = gather(paths, target, prefix);
  for (const s of gathered.skipped) say(`INFO: skipped ${s}`);
  const run = await runImport(
    gathered,
    {
      target,
      prefix,
      timeoutMs: timeoutMsOf(f),
      rssLimitMb: f.rss_limit_mb,
      startupTimeoutMs: f.startup_timeout_ms,
      verifyRuns: f.verify_runs,
      skip: f.triage_skip,
      sourceRoots: f.source_roots.split(',').filter((r) => r !== ''),
    },
    (w) => say(`WARNING: ${w}`),
  );
  const { lines } = run;
  for (const l of lines) {
    say(describe(l));
    if (json) process.stdout.write(`${JSON.stringify(l)}\n`);
  }
  const sarifPath = f.sarif;
  if (sarifPath !== '') {
    const log = buildSarif(run.records, FUZZWB_VERSION);
    writeFileAtomic(sarifPath, `${JSON.stringify(log, null, 2)}\n`);
  }
  const count = (s: ImportLine['status']): number => lines.filter((l) => l.status === s).length;
  const total = run.records.length;
  say(
    `==fuzzwb== imported ${lines.length}: ${count('new')} new, ${count('duplicate')} duplicate, ` +
      `${count('not-reproduced')} did not reproduce; ${total - run.before} new ` +
      `finding(s), ${total} in ${prefix === '' ? '.' : prefix}`,
  );
  return EXIT.ok;
}
