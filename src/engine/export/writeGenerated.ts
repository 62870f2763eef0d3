// Writes generated files atomically, never over a file the user changed (unless forced).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import type { GeneratedFile } from './clusterFuzzLite';

/** Where the hashes of what the last export wrote are kept, relative to the output folder. */
export const MANIFEST = '.clusterfuzzlite/fuzzwb-export.json';

/** Path -> sha1 of the content the last export wrote there. */
export type Manifest = Record<string, string>;

export function sha1Text(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export interface WritePlan {
  /** New files, and files still as the last export left them. */
  write: GeneratedFile[];
  /** Files that already hold exactly the new content. */
  unchanged: string[];
  /** Files that exist with content no export of ours wrote: the user's. */
  conflicts: string[];
}

/** Decides, per file, whether writing it could lose a change the user made. */
export function planWrites(
  files: readonly GeneratedFile[],
  current: (path: string) => string | undefined,
  manifest: Manifest,
  force: boolean,
): WritePlan {
  const plan: WritePlan = { write: [], unchanged: [], conflicts: [] };
  for (const f of files) {
    const now = current(f.path);
    if (now === f.content) plan.unchanged.push(f.path);
    else if (now === undefined || force || manifest[f.path] === sha1Text(now)) plan.write.push(f);
    else plan.conflicts.push(f.path);
  }
  return plan;
}

/** Files that would overwrite the user's changes; nothing was written. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(readonly paths: string[]) {
    super(
      `not overwriting file(s) changed since the last export: ${paths.join(', ')} ` +
        '(-force=1 overwrites them)',
    );
  }
}

function readManifest(outDir: string): Manifest {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const files = (parsed as { files?: unknown }).files;
      if (typeof files === 'object' && files !== null) return files as Manifest;
    }
  } catch {
    // No manifest (first export, or it was deleted): every existing file counts as the user's.
  }
  return {};
}

/** Writes `files` under `outDir` (all or none), then records their hashes. */
export function writeGenerated(
  outDir: string,
  files: readonly GeneratedFile[],
  force: boolean,
): WritePlan {
  const manifest = readManifest(outDir);
  const current = (p: string): string | undefined => {
    const full = join(outDir, p);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const plan = planWrites(files, current, manifest, force);
  if (plan.conflicts.length > 0) throw new ConflictError(plan.conflicts);
  for (const f of plan.write) {
    const full = join(outDir, f.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileAtomic(full, f.content);
    if (f.executable === true) chmodSync(full, 0o755);
  }
  const next: Manifest = { ...manifest };
  for (const f of files) next[f.path] = sha1Text(f.content);
  mkdirSync(dirname(join(outDir, MANIFEST)), { recursive: true });
  writeFileAtomic(
    join(outDir, MANIFEST),
    `${JSON.stringify({ generator: 'fuzzwb export clusterfuzzlite', files: next }, null, 2)}\n`,
  );
  return plan;
}
