// The workspace's fuzz targets: entries of fuzzwb.json, then harness files that no entry names.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { ConfigProblem, FuzzRunOptions, WorkspaceTarget } from '../../protocol/messages';
import { loadFuzzConfig } from '../config/loadConfig';
import { CONFIG_FILE_NAME, type FuzzTarget } from '../config/types';

const SOURCE_EXTS = new Set(['.c', '.cc', '.cpp', '.cxx']);
/** Folders that never hold the user's harnesses and can be huge. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.fuzzwb', 'out', 'dist', '.vscode-test']);
/** Enough for any real source tree's harnesses; a bound so a home folder cannot stall the engine. */
const MAX_FILES = 20_000;
const MAX_SOURCE_BYTES = 4 << 20;
const ENTRY_POINT = /\bLLVMFuzzerTestOneInput\s*\(/;

/** C/C++ files under `root` that define the libFuzzer entry point, sorted. */
export function findHarnessFiles(root: string): string[] {
  const found: string[] = [];
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_FILES) {
    const dir = queue.shift() as string;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(path);
        continue;
      }
      if (!e.isFile() || !SOURCE_EXTS.has(extname(e.name))) continue;
      seen++;
      try {
        if (statSync(path).size > MAX_SOURCE_BYTES) continue;
        if (ENTRY_POINT.test(readFileSync(path, 'utf8'))) found.push(path);
      } catch {
        continue;
      }
    }
  }
  return found.sort();
}

/** Where a harness file without a config entry builds and keeps its files (the config's defaults). */
export function harnessTarget(root: string, harness: string, name: string): FuzzTarget {
  const state = join(root, '.fuzzwb');
  return {
    name,
    harness,
    sources: [],
    binary: join(state, 'build', name, name),
    corpus: join(state, 'corpus', name),
    artifacts: join(state, 'findings', name) + '/',
    sanitizers: ['address', 'undefined'],
    cflags: [],
    ldflags: [],
    options: {},
  };
}

export interface ResolvedTargets {
  /** Every target with its full build description, by name. */
  targets: FuzzTarget[];
  origins: Map<string, WorkspaceTarget['origin']>;
  problems: ConfigProblem[];
}

/** Config entries first; harness files no entry names follow, named after their file. */
export function resolveWorkspaceTargets(root: string): ResolvedTargets {
  const targets: FuzzTarget[] = [];
  const origins = new Map<string, WorkspaceTarget['origin']>();
  const problems: ConfigProblem[] = [];
  const configPath = join(root, CONFIG_FILE_NAME);
  if (existsSync(configPath)) {
    const { config, errors } = loadFuzzConfig(configPath);
    for (const e of errors) {
      problems.push({ file: configPath, line: e.line, column: e.column, message: e.message });
    }
    for (const t of config?.targets ?? []) {
      targets.push(t);
      origins.set(t.name, 'config');
    }
  }
  const named = new Set(targets.map((t) => t.harness).filter((h) => h !== undefined));
  for (const file of findHarnessFiles(root)) {
    if (named.has(file)) continue;
    let name = basename(file, extname(file));
    for (let i = 2; origins.has(name); i++) name = `${basename(file, extname(file))}-${i}`;
    targets.push(harnessTarget(root, file, name));
    origins.set(name, 'harness');
  }
  return { targets, origins, problems };
}

/** A config entry's options under the protocol's names (timeout is in seconds there). */
export function runOptionsOf(t: FuzzTarget): Partial<FuzzRunOptions> {
  const o = t.options;
  const out: Partial<FuzzRunOptions> = {};
  if (o.max_len !== undefined) out.maxLen = o.max_len;
  if (o.timeout !== undefined) out.timeoutMs = o.timeout * 1000;
  if (o.rss_limit_mb !== undefined) out.rssLimitMb = o.rss_limit_mb;
  if (o.workers !== undefined) out.workers = o.workers;
  if (o.mode !== undefined) out.mode = o.mode;
  if (o.persistent !== undefined) out.persistent = o.persistent;
  if (o.max_total_time !== undefined) out.maxTotalTimeSec = o.max_total_time;
  return out;
}

export function toWorkspaceTarget(
  t: FuzzTarget,
  origin: WorkspaceTarget['origin'],
): WorkspaceTarget {
  const options = runOptionsOf(t);
  return {
    name: t.name,
    origin,
    harness: t.harness ?? '',
    binary: t.binary,
    corpusDir: t.corpus,
    artifactPrefix: t.artifacts,
    ...(t.dictionary !== undefined ? { dictionary: t.dictionary } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}
