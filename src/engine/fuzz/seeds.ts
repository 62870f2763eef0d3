// Reads seed inputs from corpus directories (libFuzzer or AFL++ layouts), skipping what cannot be read.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';

export interface SeedLoad {
  seeds: Buffer[];
  /** One line per file or directory that was skipped, with the reason. */
  warnings: string[];
  /** Files whose content was already loaded (another corpus, or an AFL++ instance). */
  duplicates: number;
  /** Files longer than the limit, of which only the first maxLen bytes were kept. */
  truncated: number;
}

/** AFL++ keeps its test cases in `queue/`; everything else in its output is state or findings. */
const AFL_QUEUE = 'queue';
/** Files AFL++ writes beside `queue/`: a directory holding one is AFL++ output. */
const AFL_MARKERS = ['fuzzer_stats', 'fuzzer_setup', 'plot_data', 'cmdline'];
/** AFL++'s own files in an instance directory, none of them an input. */
const AFL_FILES = new Set([...AFL_MARKERS, 'fuzz_bitmap', 'target_hash', 'README.txt']);

/** A directory to read inputs from; in an AFL++ instance its state files and subfolders are not. */
interface InputDir {
  path: string;
  aflInstance: boolean;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function entries(dir: string, warnings: string[]): string[] | undefined {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    warnings.push(`cannot read corpus directory ${dir}: ${(err as Error).message}`);
    return undefined;
  }
}

/** An AFL++ instance directory: it has a queue/ or the files AFL++ writes beside it. */
function isAflInstance(dir: string, names: readonly string[]): boolean {
  return (
    (names.includes(AFL_QUEUE) && isDir(join(dir, AFL_QUEUE))) ||
    names.some((n) => AFL_MARKERS.includes(n))
  );
}

/**
 * The directories whose files are inputs: a flat libFuzzer corpus is itself; an AFL++ instance
 * (`out/default`) is itself (minus AFL++'s files) and its queue/; an AFL++ output directory with
 * instances (`out/default`, `out/main`, `out/secondary1`, ...) is each instance's queue/.
 */
function inputDirs(dir: string, warnings: string[]): InputDir[] {
  const names = entries(dir, warnings);
  if (names === undefined) return [];
  if (isAflInstance(dir, names)) {
    const queue = join(dir, AFL_QUEUE);
    return [
      { path: dir, aflInstance: true },
      ...(isDir(queue) ? [{ path: queue, aflInstance: true }] : []),
    ];
  }
  const instances = names.filter((n) => {
    if (n.startsWith('.')) return false;
    const sub = join(dir, n);
    if (!isDir(sub)) return false;
    const inner = entries(sub, []);
    return inner !== undefined && isAflInstance(sub, inner);
  });
  if (instances.length > 0) {
    return instances
      .map((n) => join(dir, n, AFL_QUEUE))
      .filter(isDir)
      .map((path) => ({ path, aflInstance: true }));
  }
  return [{ path: dir, aflInstance: false }];
}

/** Reads at most maxLen bytes of a regular file; `long` says whether it held more. */
function readHead(path: string, maxLen: number): { data: Buffer; long: boolean } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const want = Math.min(st.size, maxLen);
    const data = Buffer.alloc(want);
    let off = 0;
    while (off < want) {
      const n = readSync(fd, data, off, want - off, off);
      if (n === 0) break;
      off += n;
    }
    return { data: data.subarray(0, off), long: st.size > maxLen };
  } finally {
    closeSync(fd);
  }
}

/** Why `path` is not a corpus file, or undefined when it is a regular file (links followed). */
function notAFile(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      return 'a dangling symbolic link';
    }
    return (err as Error).message;
  }
  if (st.isDirectory()) return 'a directory, not a file';
  if (!st.isFile()) return 'not a regular file';
  return undefined;
}

/**
 * Every input in the corpus directories, truncated to maxLen, each content once. Names starting
 * with a dot are skipped without a word: atomic writes' temporary files, AFL++'s `.state/` and
 * `.cur_input`. Anything else that cannot be read is skipped with a warning naming it.
 */
export function loadSeeds(dirs: readonly string[], maxLen: number): SeedLoad {
  const out: SeedLoad = { seeds: [], warnings: [], duplicates: 0, truncated: 0 };
  const seen = new Set<string>();
  for (const top of dirs) {
    for (const { path: dir, aflInstance } of inputDirs(top, out.warnings)) {
      const names = dir === top ? entries(dir, []) : entries(dir, out.warnings);
      for (const name of names ?? []) {
        if (name.startsWith('.') || (aflInstance && AFL_FILES.has(name))) continue;
        const path = join(dir, name);
        const why = notAFile(path);
        // AFL++'s queue/, crashes/ and hangs/ sit beside the inputs of an instance.
        if (aflInstance && why === 'a directory, not a file') continue;
        if (why !== undefined) {
          out.warnings.push(`skipped corpus entry ${path}: ${why}`);
          continue;
        }
        let head;
        try {
          head = readHead(path, maxLen);
        } catch (err) {
          out.warnings.push(`skipped unreadable corpus file ${path}: ${(err as Error).message}`);
          continue;
        }
        const key = createHash('sha1').update(head.data).digest('hex');
        if (seen.has(key)) {
          out.duplicates++;
          continue;
        }
        seen.add(key);
        if (head.long) out.truncated++;
        out.seeds.push(head.data);
      }
    }
  }
  if (out.truncated > 0) {
    out.warnings.push(
      `${out.truncated} corpus file(s) longer than -max_len=${maxLen}: only their first ` +
        `${maxLen} bytes are used`,
    );
  }
  return out;
}
