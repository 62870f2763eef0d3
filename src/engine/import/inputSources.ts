// Finds the inputs to import in a path: libFuzzer and AFL++ output, ClusterFuzzLite artifacts, SARIF.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { readZip, ZipError } from './zipReader';

/** The tool whose output an input came from. */
export type InputTool = 'libFuzzer' | 'AFL++' | 'ClusterFuzzLite';

/** How the other tool said the input ended. */
export type Expected = 'crash' | 'leak' | 'timeout' | 'oom' | 'slow-unit';

export interface FoundInput {
  /** Where it came from, for messages: a file path, or `archive.zip:entry`. */
  path: string;
  data: Buffer;
  tool: InputTool;
  expected: Expected;
}

export interface FoundSarif {
  path: string;
  text: string;
}

export interface Found {
  inputs: FoundInput[];
  sarif: FoundSarif[];
  /** Inputs of another target, with why they were left out. */
  skipped: string[];
  /** Files that are none of the above (an AFL++ queue, stats, plots). */
  ignored: number;
}

/** A path that holds nothing importable, or cannot be read; nothing was imported. */
export class ImportSourceError extends Error {
  override readonly name = 'ImportSourceError';
}

const SANITIZERS = 'address|undefined|memory|thread|coverage|none';
const LIBFUZZER_RE = new RegExp(
  `^(?:(.+)-(?:${SANITIZERS})-)?(crash|leak|timeout|oom|slow-unit)-[0-9a-fA-F]{6,}$`,
);
const AFL_RE = /(?:^|\/)(crashes|hangs)\/id[:_]\d+[^/]*$/;

/**
 * What a file's path says about it, relative to the folder being imported (or inside a zip).
 * libFuzzer names its artifacts `crash-<sha1>`; ClusterFuzzLite adds `<target>-<sanitizer>-`;
 * AFL++ keeps `<fuzzer>/crashes/id:...` and `<fuzzer>/hangs/id:...`.
 */
export function classifyPath(
  rel: string,
  target: string,
): { tool: InputTool; expected: Expected } | { skip: string } | undefined {
  const afl = AFL_RE.exec(rel);
  if (afl !== null) return { tool: 'AFL++', expected: afl[1] === 'hangs' ? 'timeout' : 'crash' };
  const m = LIBFUZZER_RE.exec(basename(rel));
  if (m === null) return undefined;
  const expected = m[2] as Expected;
  if (m[1] === undefined) return { tool: 'libFuzzer', expected };
  if (m[1] !== target) return { skip: `an input of target ${m[1]}, not ${target}` };
  return { tool: 'ClusterFuzzLite', expected };
}

/** Names of files that sit beside inputs and are never inputs. */
function isSideFile(name: string): boolean {
  return (
    name === 'README.txt' ||
    name.startsWith('.') ||
    ['.json', '.txt', '.summary', '.log', '.options', '.dict'].includes(extname(name))
  );
}

function collectEntries(
  entries: Iterable<{ rel: string; data: () => Buffer }>,
  where: (rel: string) => string,
  target: string,
  zipped: boolean,
  found: Found,
): void {
  for (const e of entries) {
    const name = basename(e.rel);
    if (extname(name) === '.sarif') {
      found.sarif.push({ path: where(e.rel), text: e.data().toString('utf8') });
      continue;
    }
    if (isSideFile(name)) continue;
    const c = classifyPath(e.rel, target);
    if (c === undefined) found.ignored++;
    else if ('skip' in c) found.skipped.push(`${where(e.rel)}: ${c.skip}`);
    else {
      // A zip of crashes is what ClusterFuzzLite's artifact download gives.
      const tool = zipped && c.tool === 'libFuzzer' ? 'ClusterFuzzLite' : c.tool;
      found.inputs.push({ path: where(e.rel), data: e.data(), tool, expected: c.expected });
    }
  }
}

/** Files below `dir`, depth first in name order, as paths relative to it. */
function walk(dir: string, depth = 0, root = dir): string[] {
  if (depth > 6) return [];
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(full, depth + 1, root));
    else if (d.isFile()) out.push(relative(root, full));
  }
  return out;
}

/** Everything importable at `path` for `target` (its binary's base name). */
export function findInputs(path: string, target: string): Found {
  const found: Found = { inputs: [], sarif: [], skipped: [], ignored: 0 };
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new ImportSourceError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (isDir) {
    const files = walk(path).map((rel) => ({
      rel,
      data: () => readFileSync(join(path, rel)),
    }));
    collectEntries(files, (rel) => join(path, rel), target, false, found);
  } else if (extname(path) === '.zip') {
    let entries;
    try {
      entries = readZip(readFileSync(path));
    } catch (err) {
      if (err instanceof ZipError) throw new ImportSourceError(`${path}: ${err.message}`);
      throw err;
    }
    const list = entries.map((e) => ({ rel: e.name, data: () => e.data }));
    collectEntries(list, (rel) => `${path}:${rel}`, target, true, found);
  } else if (['.sarif', '.json'].includes(extname(path))) {
    found.sarif.push({ path, text: readFileSync(path, 'utf8') });
  } else {
    const c = classifyPath(basename(path), target);
    if (c === undefined || 'skip' in c) {
      throw new ImportSourceError(
        `${path}: not a SARIF log, zip, folder or crash-/leak-/timeout-/oom-/slow-unit- file`,
      );
    }
    found.inputs.push({ path, data: readFileSync(path), tool: c.tool, expected: c.expected });
  }
  if (found.inputs.length === 0 && found.sarif.length === 0) {
    throw new ImportSourceError(
      `${path}: no crashes, hangs or SARIF logs found` +
        (found.skipped.length > 0 ? ` (${found.skipped.length} of another target)` : ''),
    );
  }
  return found;
}
