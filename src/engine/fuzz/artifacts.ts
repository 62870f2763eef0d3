// Writes and reloads findings (the input plus a JSON description) and corpus entries, by content hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import type { EndKind } from '../native/types';

export function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The type of a LeakSanitizer report's finding (sanitizerReport.ts names it so). */
export const LEAK_TYPE = 'memory-leak';

/** libFuzzer's artifact prefixes: crash-, leak-, timeout-, oom-; `type` is the finding's. */
export function artifactKind(kind: EndKind, type?: string): 'crash' | 'leak' | 'timeout' | 'oom' {
  if (kind === 'timeout') return 'timeout';
  if (kind === 'oom') return 'oom';
  if (type === LEAK_TYPE) return 'leak';
  return 'crash';
}

/** One frame as findings store it. */
export interface FrameRecord {
  function: string;
  file?: string;
  line?: number;
  column?: number;
  module?: string;
  offset?: string;
  pc?: string;
}

export type Verification = 'reproducible' | 'flaky' | 'unverified';

/** The JSON beside each `crash-<sha1>` (leak-, timeout-, oom-): all a reader needs about one bug. */
export interface FindingRecord {
  /** Path of the smallest input seen for this crash state. */
  artifact: string;
  kind: EndKind;
  signal: number;
  exitCode: number;
  sanitizer?: string;
  /** Crash type: `heap-buffer-overflow READ`, `SIGSEGV`, `timeout`, ... */
  type: string;
  access?: { op: 'READ' | 'WRITE'; size?: number };
  address?: string;
  headline?: string;
  summary?: string;
  /** Top user frames' functions: with the type, the dedup key. */
  crashState: string[];
  frames: FrameRecord[];
  /** Allocation, free and leak stacks, by their titles. */
  stacks: { title: string; frames: FrameRecord[] }[];
  firstSeen: string;
  lastSeen: string;
  hitCount: number;
  size: number;
  verification: { status: Verification; runs: number; reproduced: number };
  reproduce: string[];
}

/** The dedup key of a record: its type and crash state. */
export function recordKey(r: Pick<FindingRecord, 'type' | 'crashState'>): string {
  return [r.type, ...r.crashState].join('\n');
}

/** The path a finding's input is written to: `<prefix><kind>-<sha1>`. */
export function artifactPath(prefix: string, kind: EndKind, input: Buffer, type?: string): string {
  return `${prefix}${artifactKind(kind, type)}-${sha1(input)}`;
}

/** Writes the input at `record.artifact` and its `.json` description beside it. */
export function writeFinding(input: Buffer, record: FindingRecord): void {
  const dir = dirname(record.artifact);
  if (dir !== '' && !existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileAtomic(record.artifact, input);
  writeFindingRecord(record);
}

/** Rewrites only the `.json` description (a new hit, a new verification). */
export function writeFindingRecord(record: FindingRecord): void {
  writeFileAtomic(`${record.artifact}.json`, `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes a finding's input and description (a smaller input replaced it). */
export function removeFinding(artifact: string): void {
  rmSync(artifact, { force: true });
  rmSync(`${artifact}.json`, { force: true });
}

function isRecord(v: unknown): v is FindingRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<FindingRecord>;
  return (
    typeof r.artifact === 'string' &&
    typeof r.type === 'string' &&
    Array.isArray(r.crashState) &&
    typeof r.hitCount === 'number'
  );
}

/**
 * Findings written under `prefix` by an earlier run, so deduplication resumes. Unreadable or
 * foreign JSON files are reported in `warnings` and skipped.
 */
export function loadFindings(prefix: string): { records: FindingRecord[]; warnings: string[] } {
  const dir = prefix.endsWith('/') || prefix === '' ? prefix || '.' : dirname(prefix);
  const stem = prefix.endsWith('/') || prefix === '' ? '' : basename(prefix);
  const records: FindingRecord[] = [];
  const warnings: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { records, warnings };
  }
  for (const name of names.sort()) {
    if (!name.startsWith(stem) || !name.endsWith('.json')) continue;
    if (!/^(?:crash|leak|timeout|oom)-[0-9a-f]{40}\.json$/.test(name.slice(stem.length))) continue;
    const path = join(dir, name);
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (isRecord(parsed) && existsSync(parsed.artifact)) records.push(parsed);
      else warnings.push(`skipping ${path}: not a finding of this fuzzer`);
    } catch (err) {
      warnings.push(`skipping ${path}: ${(err as Error).message}`);
    }
  }
  return { records, warnings };
}

/** Adds an input to a corpus directory under its content hash; existing files are left alone. */
export function addToCorpus(dir: string, input: Buffer): string {
  const path = join(dir, sha1(input));
  if (!existsSync(path)) writeFileAtomic(path, input);
  return path;
}
