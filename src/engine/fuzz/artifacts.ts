// Writes and reloads findings (the input plus a JSON description) and corpus entries, by content hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import type { EndKind } from '../native/types';
import {
  checkedFindingPath,
  findingsFolder,
  isFindingName,
  isInside,
  splitPrefix,
  storedArtifactProblem,
} from './findingPaths';

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
  /**
   * Path of the smallest input seen for this crash state (`<prefix>crash-<sha1>`). The JSON on
   * disk holds only its name, relative to the findings folder, so the folder can move.
   */
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

/** Writes the input at `record.artifact` (a finding under `prefix`) and its `.json` beside it. */
export function writeFinding(prefix: string, input: Buffer, record: FindingRecord): void {
  const path = checkedFindingPath(prefix, record.artifact);
  const dir = dirname(path);
  if (dir !== '' && !existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileAtomic(path, input);
  writeFindingRecord(prefix, record);
}

/** Rewrites only the `.json` description (a new hit, a new verification). */
export function writeFindingRecord(prefix: string, record: FindingRecord): void {
  const path = checkedFindingPath(prefix, record.artifact);
  const onDisk: FindingRecord = { ...record, artifact: basename(path) };
  writeFileAtomic(`${path}.json`, `${JSON.stringify(onDisk, null, 2)}\n`);
}

/** Removes a finding's input and description (a smaller input replaced it). */
export function removeFinding(prefix: string, artifact: string): void {
  const path = checkedFindingPath(prefix, artifact);
  rmSync(path, { force: true });
  rmSync(`${path}.json`, { force: true });
}

function isRecord(v: unknown): v is FindingRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<FindingRecord>;
  return (
    typeof r.artifact === 'string' &&
    typeof r.type === 'string' &&
    Array.isArray(r.crashState) &&
    typeof r.hitCount === 'number' &&
    Array.isArray(r.reproduce)
  );
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Findings written under `prefix` by an earlier run, so deduplication resumes. Unreadable or
 * foreign JSON files, and findings naming a file that is not their own input in the folder
 * (which a later smaller input would delete), are reported in `warnings` and skipped. A loaded
 * record's paths are those of the folder as `prefix` reaches it now, whoever wrote it from where.
 */
export function loadFindings(prefix: string): { records: FindingRecord[]; warnings: string[] } {
  const { head, stem } = splitPrefix(prefix);
  const folder = findingsFolder(prefix);
  const records: FindingRecord[] = [];
  const warnings: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return { records, warnings };
  }
  const folderReal = realPath(folder);
  for (const jsonName of names.sort()) {
    if (!jsonName.endsWith('.json')) continue;
    const name = jsonName.slice(0, -'.json'.length);
    if (!isFindingName(name, stem)) continue;
    const path = join(folder, jsonName);
    const jsonReal = realPath(path);
    if (folderReal === undefined || jsonReal === undefined) {
      warnings.push(`skipping ${path}: unreadable (a dangling link?)`);
      continue;
    }
    if (!isInside(folderReal, jsonReal)) {
      warnings.push(`skipping ${path}: a link to ${jsonReal}, outside ${folder}`);
      continue;
    }
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (!isRecord(parsed)) {
        warnings.push(`skipping ${path}: not a finding of this fuzzer`);
        continue;
      }
      const problem = storedArtifactProblem(parsed.artifact, folder, name, realPath);
      if (problem !== undefined) {
        warnings.push(`skipping ${path}: ${problem}`);
        continue;
      }
      records.push(placed(parsed, `${head}${name}`));
    } catch (err) {
      warnings.push(`skipping ${path}: ${(err as Error).message}`);
    }
  }
  return { records, warnings };
}

/** A loaded record at `artifact`; its reproduce command's input follows it there. */
function placed(record: FindingRecord, artifact: string): FindingRecord {
  const reproduce =
    record.reproduce.length >= 2
      ? [...record.reproduce.slice(0, -1), resolve(artifact)]
      : record.reproduce;
  return { ...record, artifact, reproduce };
}

/**
 * Adds an input to a corpus directory under its content hash; existing files are left alone.
 * Not synced: a real library makes thousands of entries, each sync costs about a millisecond
 * of the loop's thread, and a corpus lost to a power cut is found again.
 */
export function addToCorpus(dir: string, input: Buffer): string {
  const path = join(dir, sha1(input));
  writeNewToCorpus(path, input);
  return path;
}

/** addToCorpus at a known `path` (the corpus folder and the input's hash): true if it wrote. */
export function writeNewToCorpus(path: string, input: Buffer): boolean {
  if (existsSync(path)) return false;
  writeFileAtomic(path, input, { durable: false });
  return true;
}
