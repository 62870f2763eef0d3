// Reads an ELF file's GNU build-id (.note.gnu.build-id) by walking its PT_NOTE program headers.
import { closeSync, openSync, readSync } from 'node:fs';

const PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;
/** Notes larger than this are not build-ids; the cap keeps a corrupt header from huge reads. */
const MAX_NOTE_SEGMENT = 1 << 16;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** The build-id in one PT_NOTE segment's bytes, if it holds one. */
function buildIdInNotes(notes: Buffer, le: boolean): string | undefined {
  const u32 = (at: number): number => (le ? notes.readUInt32LE(at) : notes.readUInt32BE(at));
  let at = 0;
  while (at + 12 <= notes.length) {
    const namesz = u32(at);
    const descsz = u32(at + 4);
    const type = u32(at + 8);
    const nameStart = at + 12;
    const descStart = nameStart + ((namesz + 3) & ~3);
    const next = descStart + ((descsz + 3) & ~3);
    if (next > notes.length) return undefined;
    const name = notes.toString('latin1', nameStart, nameStart + namesz).replace(/\0+$/, '');
    if (type === NT_GNU_BUILD_ID && name === 'GNU') {
      return notes.toString('hex', descStart, descStart + descsz);
    }
    at = next;
  }
  return undefined;
}

/** Hex build-id of an ELF file; undefined when it has none or is not ELF. Never throws. */
export function readBuildId(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const ident = readAt(fd, 0, 64);
    if (ident.length < 52 || ident.toString('latin1', 0, 4) !== '\x7fELF') return undefined;
    const is64 = ident[4] === 2;
    const le = ident[5] === 1;
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number): number =>
      Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const phoff = is64 ? u64(ident, 32) : u32(ident, 28);
    const phentsize = u16(ident, is64 ? 54 : 42);
    const phnum = u16(ident, is64 ? 56 : 44);
    if (phentsize === 0 || phnum === 0 || phnum > 4096) return undefined;
    const table = readAt(fd, phoff, phentsize * phnum);
    for (let i = 0; i < phnum && (i + 1) * phentsize <= table.length; i++) {
      const ph = table.subarray(i * phentsize, (i + 1) * phentsize);
      if (u32(ph, 0) !== PT_NOTE) continue;
      const offset = is64 ? u64(ph, 8) : u32(ph, 4);
      const size = is64 ? u64(ph, 32) : u32(ph, 16);
      if (size > MAX_NOTE_SEGMENT) continue;
      const id = buildIdInNotes(readAt(fd, offset, size), le);
      if (id !== undefined) return id;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
