// `fuzzwb merge TARGET OUT_DIR IN_DIR...`: copies into OUT_DIR the inputs of IN_DIRs that add coverage.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { planMerge, type MergeCandidate } from '../corpus/mergePlan';
import { startExecutor } from '../exec/executor';
import { addToCorpus, sha1 } from '../fuzz/artifacts';
import { featuresOf } from '../fuzz/scheduler';
import { loadSeeds } from '../fuzz/seeds';
import type { EndKind, NativeExecutor } from '../native/types';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';
import { EXIT } from './exitCodes';

/** The largest input read (the shared memory's default input capacity), as fuzzwb cov. */
const MAX_INPUT = 1 << 20;
/** Inputs named in the report per kind of end that made them unusable. */
const NAMED_ENDS = 3;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** What running one corpus alone, input by input, showed. */
interface Profiled {
  inputs: Buffer[];
  features: (Uint32Array | undefined)[];
  /** Inputs that did not end ok, by kind: they are left out of the merge. */
  ends: Map<EndKind, number[]>;
}

/** Runs each input alone in a fresh child and reads the counters it hit. */
async function profile(executor: NativeExecutor, inputs: Buffer[]): Promise<Profiled> {
  const out: Profiled = { inputs, features: [], ends: new Map() };
  for (const [i, input] of inputs.entries()) {
    const res = await executor.runBatch([input], { feedback: false, stopOnFinding: true });
    const end = res.findings[0];
    if (end !== undefined && end.kind !== 'ok') {
      out.features.push(undefined);
      const list = out.ends.get(end.kind) ?? [];
      list.push(i);
      out.ends.set(end.kind, list);
      continue;
    }
    out.features.push(featuresOf(executor.counters()));
  }
  return out;
}

function countFeatures(all: (Uint32Array | undefined)[]): { features: number; edges: number } {
  const f = new Set<number>();
  for (const fs of all) for (const x of fs ?? []) f.add(x);
  return { features: f.size, edges: new Set([...f].map((x) => x >>> 3)).size };
}

export async function mergeCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, outDir, ...inDirs] = args.positional;
  if (targetArg === undefined || outDir === undefined || inDirs.length === 0) {
    throw new UsageError('usage: fuzzwb merge TARGET OUT_DIR IN_DIR... [-timeout=S]');
  }
  const f = args.flags;
  const target = resolve(targetArg);
  mkdirSync(outDir, { recursive: true });
  const have = loadSeeds([outDir], MAX_INPUT);
  const offered = loadSeeds(inDirs, MAX_INPUT);
  for (const w of [...have.warnings, ...offered.warnings]) say(`WARNING: ${w}`);
  // An input OUT_DIR already holds adds nothing, whatever its name there.
  const known = new Set(have.seeds.map((s) => sha1(s)));
  const fresh = offered.seeds.filter((s) => !known.has(sha1(s)));
  const { executor } = await startExecutor({
    target,
    timeoutMs: timeoutMsOf(f),
    rssLimitMb: f.rss_limit_mb,
    persistent: 1,
    handshakeTimeoutMs: f.startup_timeout_ms,
    maxInputSize: Math.max(1, ...have.seeds.map((s) => s.length), ...fresh.map((s) => s.length)),
    symbolize: false,
    cmp: false,
  });
  try {
    const base = await profile(executor, have.seeds);
    const before = countFeatures(base.features);
    say(
      `INFO: ${outDir}: ${have.seeds.length} input(s), ${before.features} features, ` +
        `${before.edges} edges`,
    );
    const cand = await profile(executor, fresh);
    for (const [kind, idx] of cand.ends) {
      const names = idx.slice(0, NAMED_ENDS).map((i) => sha1(fresh[i] ?? Buffer.alloc(0)));
      say(
        `WARNING: ${idx.length} input(s) ended with ${kind} and are not merged ` +
          `(${names.join(', ')}${idx.length > NAMED_ENDS ? ', ...' : ''}): fuzzwb run shows why`,
      );
    }
    const candidates: MergeCandidate[] = [];
    const candidateInput: Buffer[] = [];
    for (const [i, fs] of cand.features.entries()) {
      const input = fresh[i];
      if (fs === undefined || input === undefined) continue;
      candidates.push({ size: input.length, features: fs });
      candidateInput.push(input);
    }
    const plan = planMerge(
      base.features.filter((x): x is Uint32Array => x !== undefined),
      candidates,
    );
    let bytes = 0;
    for (const i of plan.kept) {
      const input = candidateInput[i] ?? Buffer.alloc(0);
      addToCorpus(outDir, input);
      bytes += input.length;
    }
    const skipped = offered.seeds.length - fresh.length;
    say(
      `MERGE: ${offered.seeds.length} input(s) offered` +
        (skipped > 0 ? ` (${skipped} already in ${outDir})` : '') +
        `; kept ${plan.kept.length} (${bytes} bytes) with ${plan.newFeatures} new features, ` +
        `${plan.newEdges} new edges; ${outDir} now has ${have.seeds.length + plan.kept.length} ` +
        `input(s), ${before.edges + plan.newEdges} edges`,
    );
    return EXIT.ok;
  } finally {
    await executor.stop();
  }
}
