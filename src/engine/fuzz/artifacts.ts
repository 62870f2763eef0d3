// Writes findings (the input plus a JSON description) and corpus entries, atomically, by content hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import type { EndKind } from '../native/types';
import type { SanitizerReport } from '../triage/sanitizerReport';

export function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** libFuzzer's artifact prefixes: crash-, timeout-, oom-. */
export function artifactKind(kind: EndKind): 'crash' | 'timeout' | 'oom' {
  if (kind === 'timeout') return 'timeout';
  if (kind === 'oom') return 'oom';
  return 'crash';
}

export interface FindingRecord {
  artifact: string;
  kind: EndKind;
  signal: number;
  exitCode: number;
  report: SanitizerReport | null;
  reproduce: string[];
  firstSeen: string;
  size: number;
}

/** The path a finding's input is written to: `<prefix><kind>-<sha1>`. */
export function artifactPath(prefix: string, kind: EndKind, input: Buffer): string {
  return `${prefix}${artifactKind(kind)}-${sha1(input)}`;
}

/** Writes the input at `record.artifact` and its `.json` description beside it. */
export function writeFinding(input: Buffer, record: FindingRecord): void {
  const dir = dirname(record.artifact);
  if (dir !== '' && !existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileAtomic(record.artifact, input);
  writeFileAtomic(`${record.artifact}.json`, `${JSON.stringify(record, null, 2)}\n`);
}

/** Adds an input to a corpus directory under its content hash; existing files are left alone. */
export function addToCorpus(dir: string, input: Buffer): string {
  const path = join(dir, sha1(input));
  if (!existsSync(path)) writeFileAtomic(path, input);
  return path;
}
