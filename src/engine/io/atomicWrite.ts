// Writes files atomically (temp file, fsync, rename) so a killed engine never leaves half a file.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export interface AtomicWriteOptions {
  /**
   * fsync before the rename (default true): the file survives a power cut. Without it the
   * rename still makes it whole or absent for a killed process, which is all a corpus entry
   * needs (libFuzzer does not sync its corpus either); findings keep the sync.
   */
  durable?: boolean;
}

/** Writes `data` to `path` so readers see either the old file or the whole new one. */
export function writeFileAtomic(
  path: string,
  data: Buffer | string,
  opts: AtomicWriteOptions = {},
): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (opts.durable !== false) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
}
