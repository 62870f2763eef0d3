// `fuzzwb cov TARGET CORPUS_DIR...`: runs a corpus once and exports its source coverage.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { startExecutor } from '../exec/executor';
import { loadSeeds } from '../fuzz/seeds';
import type { CoverageCollector } from '../coverage/collector';
import { toLcov } from '../coverage/lcov';
import { toSancovJson, type SancovPoint } from '../coverage/sancovJson';
import { createCollector } from '../coverage/setup';
import { formatSummary, summarize } from '../coverage/summary';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';
import { EXIT } from './exitCodes';

/** Inputs handed to the executor per native batch. */
const BATCH = 256;
/** The largest input read from the corpus (the shared memory's default input capacity). */
const MAX_INPUT = 1 << 20;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The points of the target executable itself: a sancov file describes one binary. */
function targetPoints(collector: CoverageCollector, target: string): SancovPoint[] {
  const index = collector.modules().findIndex((m) => resolve(m.path) === target);
  const out: SancovPoint[] = [];
  for (const e of collector.entries.values()) {
    if (e.module !== index) continue;
    out.push({
      offset: e.offset,
      hit: collector.isHit(e.counter),
      location: collector.locationOf(e.counter),
    });
  }
  return out;
}

function write(path: string, text: string, what: string): void {
  try {
    writeFileAtomic(resolve(path), text);
  } catch (err) {
    throw new UsageError(`cannot write ${what} to ${path}: ${(err as Error).message}`);
  }
  say(`INFO: ${what} written to ${path}`);
}

export async function covCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...corpusDirs] = args.positional;
  if (targetArg === undefined || corpusDirs.length === 0) {
    throw new UsageError(
      'usage: fuzzwb cov TARGET CORPUS_DIR... [-lcov=PATH] [-sancov_json=PATH] [-summary=1]',
    );
  }
  const target = resolve(targetArg);
  const f = args.flags;
  const { seeds, warnings } = loadSeeds(corpusDirs, MAX_INPUT);
  for (const w of warnings) say(`WARNING: ${w}`);
  const { executor } = await startExecutor({
    target,
    timeoutMs: timeoutMsOf(f),
    rssLimitMb: f.rss_limit_mb,
    persistent: 1,
    handshakeTimeoutMs: f.startup_timeout_ms,
    maxInputSize: Math.max(1, ...seeds.map((s) => s.length)),
    symbolize: false,
  });
  try {
    const ends = new Map<string, number>();
    for (let i = 0; i < seeds.length; i += BATCH) {
      const r = await executor.runBatch(seeds.slice(i, i + BATCH), {
        stopOnFinding: false,
        feedback: true,
      });
      for (const x of r.findings)
        if (x.kind !== 'ok') ends.set(x.kind, (ends.get(x.kind) ?? 0) + 1);
    }
    say(`INFO: ran ${seeds.length} input(s)`);
    for (const [kind, n] of ends)
      say(`WARNING: ${n} input(s) ended with ${kind}; their coverage up to the end is kept`);
    const roots = f.source_roots.split(',').filter((r) => r !== '');
    const collector = createCollector(executor, {
      target,
      roots,
      warn: (m) => say(`WARNING: ${m}`),
    });
    await collector.refresh();
    const files = collector.model.snapshot();
    const totals = collector.model.totals();
    const lcov = f.lcov;
    if (lcov !== '') write(lcov, toLcov(files), 'lcov tracefile');
    const sancov = f.sancov_json;
    if (sancov !== '') {
      const hash = createHash('sha1').update(readFileSync(target)).digest('hex').toUpperCase();
      write(
        sancov,
        `${JSON.stringify(toSancovJson(targetPoints(collector, target), hash), null, 2)}\n`,
        'sancov JSON',
      );
    }
    const unresolved = collector.unresolvedFiles();
    if (f.summary !== 0) {
      process.stdout.write(formatSummary(summarize(files), totals, unresolved));
    } else if (unresolved.length > 0) {
      say(
        `WARNING: ${unresolved.length} source file(s) not found in the workspace (see -summary=1)`,
      );
    }
    say(
      `INFO: lines ${totals.linesHit}/${totals.lines}, functions ${totals.functionsHit}/${totals.functions}, edges ${totals.edgesHit}/${totals.edges}`,
    );
    return EXIT.ok;
  } finally {
    await executor.stop();
  }
}
