// Checks a target binary before it is started, so bad input ends with one clear line.
import { closeSync, openSync, readSync, statSync, constants as fsc, accessSync } from 'node:fs';

/** The marker string compiled into native/runtime (FWB_RUNTIME_MARKER). */
export const RUNTIME_MARKER = 'FUZZWB_RUNTIME_MARKER_v1';

const CHUNK = 1 << 20;

/** Finds `needle` in the file by streaming it, so large binaries do not load whole. */
function fileContains(path: string, needle: Buffer): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK + needle.length);
    let carry = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, CHUNK, null);
      if (n === 0) return false;
      const view = buf.subarray(0, carry + n);
      if (view.indexOf(needle) >= 0) return true;
      carry = Math.min(needle.length - 1, view.length);
      view.copy(buf, 0, view.length - carry);
    }
  } finally {
    closeSync(fd);
  }
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Returns null when `path` looks like a target linked with our runtime, otherwise one line that
 * says what is wrong and what to do.
 */
export function checkTargetBinary(path: string): string | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return `target not found: ${path}`;
  }
  if (!st.isFile()) return `target is not a regular file: ${path}`;
  try {
    accessSync(path, fsc.X_OK);
  } catch {
    return `target is not executable: ${path} (chmod +x it, or build it with fuzzwb-cc)`;
  }
  const head = readHead(path, 4);
  if (head.length < 4 || head.toString('latin1') !== '\x7fELF') {
    return `target is not an ELF executable: ${path}`;
  }
  if (!fileContains(path, Buffer.from(RUNTIME_MARKER, 'latin1'))) {
    return (
      `target was not linked with the fuzzwb runtime: ${path} ` +
      '(build it with fuzzwb-cc / fuzzwb-c++, or link out/native/libfuzzwb_rt.a)'
    );
  }
  return null;
}
