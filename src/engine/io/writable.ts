// Checks at start that every place a run writes to can be written, so nothing found is lost later.
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A place the run must write to cannot be written: one line for the user, exit code 1. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return 'no space left on the device';
  if (e.code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  return e.message;
}

let probes = 0;

/**
 * Creates `dir` if needed and proves it takes a new file (a byte written, then removed): a
 * directory can look writable by its mode bits and still refuse (read-only mount, full disk).
 */
function probeDir(abs: string): void {
  mkdirSync(abs, { recursive: true });
  if (!statSync(abs).isDirectory()) throw Object.assign(new Error(''), { code: 'ENOTDIR' });
  const probe = `${abs}/.fuzzwb-write-check-${process.pid}-${probes++}`;
  const fd = openSync(probe, 'wx', 0o600);
  try {
    writeSync(fd, Buffer.from([0]));
  } finally {
    closeSync(fd);
    unlinkSync(probe);
  }
}

/** `what` (e.g. "artifact folder") at `dir` takes new files, or an OutputError says why not. */
export function checkWritableDir(dir: string, what: string): void {
  try {
    probeDir(resolve(dir));
  } catch (err) {
    throw new OutputError(`cannot write the ${what} ${dir}: ${reason(err)}`);
  }
}

/** A file the run (re)writes (e.g. "SARIF log"): its folder takes files, and it is no directory. */
export function checkWritableFile(path: string, what: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw new OutputError(`cannot write the ${what} ${path}: it is a directory`);
    }
    probeDir(dirname(resolve(path)));
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw new OutputError(`cannot write the ${what} ${path}: ${reason(err)}`);
  }
}

/** The directory an artifact prefix writes into: `dir/` itself, else the prefix's folder. */
export function prefixDir(prefix: string): string {
  if (prefix === '') return '.';
  return prefix.endsWith('/') ? prefix : dirname(prefix);
}

/** Every place a fuzzing run writes: new inputs, findings, the SARIF log (when asked for). */
export function checkRunOutputs(o: { corpus?: string; prefix: string; sarif: string }): void {
  if (o.corpus !== undefined) checkWritableDir(o.corpus, 'corpus folder');
  checkWritableDir(prefixDir(o.prefix), 'artifact folder');
  if (o.sarif !== '') checkWritableFile(o.sarif, 'SARIF log');
}
