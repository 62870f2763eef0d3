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

/**
 * Paths are bytes here: a corpus file whose name is not UTF-8 (copied from another system, or
 * written by a fuzzer) must be read under its own name, not under a string with U+FFFD in it.
 */
type Path = Buffer;

function pathIn(dir: Path, ...names: (Path | string)[]): Path {
  const parts: Buffer[] = [dir];
  for (const n of names) parts.push(Buffer.from('/'), typeof n === 'string' ? Buffer.from(n) : n);
  return Buffer.concat(parts);
}

/** A path for a warning: undecodable bytes are shown as U+FFFD, the file keeps its name. */
const shown = (p: Path): string => p.toString('utf8');

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
const DOT = 0x2e;

/** A directory to read inputs from; in an AFL++ instance its state files and subfolders are not. */
interface InputDir {
  path: Path;
  aflInstance: boolean;
}

function isDir(path: Path): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function entries(dir: Path, warnings: string[]): Buffer[] | undefined {
  try {
    return readdirSync(dir, { encoding: 'buffer' }).sort((a, b) => Buffer.compare(a, b));
  } catch (err) {
    warnings.push(`cannot read corpus directory ${shown(dir)}: ${(err as Error).message}`);
    return undefined;
  }
}

/** An AFL++ instance directory: it has a queue/ or the files AFL++ writes beside it. */
function isAflInstance(dir: Path, names: readonly Buffer[]): boolean {
  const text = names.map((n) => n.toString('latin1'));
  return (
    (text.includes(AFL_QUEUE) && isDir(pathIn(dir, AFL_QUEUE))) ||
    text.some((n) => AFL_MARKERS.includes(n))
  );
}

/**
 * The directories whose files are inputs: a flat libFuzzer corpus is itself; an AFL++ instance
 * (`out/default`) is itself (minus AFL++'s files) and its queue/; an AFL++ output directory with
 * instances (`out/default`, `out/main`, `out/secondary1`, ...) is each instance's queue/.
 */
function inputDirs(dir: Path, warnings: string[]): InputDir[] {
  const names = entries(dir, warnings);
  if (names === undefined) return [];
  if (isAflInstance(dir, names)) {
    const queue = pathIn(dir, AFL_QUEUE);
    return [
      { path: dir, aflInstance: true },
      ...(isDir(queue) ? [{ path: queue, aflInstance: true }] : []),
    ];
  }
  const instances = names.filter((n) => {
    if (n[0] === DOT) return false;
    const sub = pathIn(dir, n);
    if (!isDir(sub)) return false;
    const inner = entries(sub, []);
    return inner !== undefined && isAflInstance(sub, inner);
  });
  if (instances.length > 0) {
    return instances
      .map((n) => pathIn(dir, n, AFL_QUEUE))
      .filter(isDir)
      .map((path) => ({ path, aflInstance: true }));
  }
  return [{ path: dir, aflInstance: false }];
}

/** Reads at most maxLen bytes of a regular file; `long` says whether it held more. */
function readHead(path: Path, maxLen: number): { data: Buffer; long: boolean } {
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
function notAFile(path: Path): string | undefined {
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
  for (const topName of dirs) {
    const top = Buffer.from(topName);
    for (const { path: dir, aflInstance } of inputDirs(top, out.warnings)) {
      const names = dir.equals(top) ? entries(dir, []) : entries(dir, out.warnings);
      for (const name of names ?? []) {
        if (name[0] === DOT || (aflInstance && AFL_FILES.has(name.toString('latin1')))) continue;
        const path = pathIn(dir, name);
        const why = notAFile(path);
        // AFL++'s queue/, crashes/ and hangs/ sit beside the inputs of an instance.
        if (aflInstance && why === 'a directory, not a file') continue;
        if (why !== undefined) {
          out.warnings.push(`skipped corpus entry ${shown(path)}: ${why}`);
          continue;
        }
        let head;
        try {
          head = readHead(path, maxLen);
        } catch (err) {
          out.warnings.push(
            `skipped unreadable corpus file ${shown(path)}: ${(err as Error).message}`,
          );
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

/** Inputs of at most this many bytes when -max_len is 0 and no seed is larger (libFuzzer's floor). */
export const DEFAULT_MAX_LEN = 4096;

/**
 * libFuzzer's -max_len=0: the largest seed, at least DEFAULT_MAX_LEN, at most `cap`. Sizes come
 * from stat; a file that cannot be read is left to loadSeeds to report.
 */
export function autoMaxLen(dirs: readonly string[], cap = 1 << 24): number {
  let largest = DEFAULT_MAX_LEN;
  for (const top of dirs) {
    for (const { path: dir } of inputDirs(Buffer.from(top), [])) {
      for (const name of entries(dir, []) ?? []) {
        const st = statSync(pathIn(dir, name), { throwIfNoEntry: false });
        if (st?.isFile() === true) largest = Math.max(largest, st.size);
      }
    }
  }
  return Math.min(largest, cap);
}
