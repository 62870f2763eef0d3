// Reads the files of a zip archive (stored or deflated entries), enough for downloaded CI artifacts.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** The entry's path inside the archive. */
  name: string;
  data: Buffer;
  /** Unix st_mode from the external attributes (0 when the archiver wrote none). */
  mode: number;
}

/** An archive this reader cannot read; the message says why. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

/** The end-of-central-directory record: the last one in the archive (a comment may follow it). */
function findEnd(zip: Buffer): number {
  const min = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= min; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIG) return at;
  }
  throw new ZipError('not a zip archive (no end of central directory)');
}

/** Every file entry of `zip` (folders are left out), in archive order. */
export function readZip(zip: Buffer): ZipEntry[] {
  if (zip.length < 22) throw new ZipError('not a zip archive (too short)');
  const end = findEnd(zip);
  const count = zip.readUInt16LE(end + 10);
  const dirOffset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) {
    throw new ZipError('zip64 archives are not supported; unpack it and import the folder');
  }
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_SIG) {
      throw new ZipError(`corrupt zip archive: central directory entry ${i} is damaged`);
    }
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if ((flags & 1) !== 0) throw new ZipError(`${name} is encrypted`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_SIG) {
      throw new ZipError(`corrupt zip archive: local header of ${name} is damaged`);
    }
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + packed > zip.length) throw new ZipError(`corrupt zip archive: ${name} is cut off`);
    const raw = zip.subarray(start, start + packed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (err) {
        throw new ZipError(`corrupt zip archive: ${name}: ${(err as Error).message}`);
      }
    } else throw new ZipError(`${name} uses compression method ${method}; only 0 and 8 are read`);
    if (data.length !== size) throw new ZipError(`corrupt zip archive: ${name} has the wrong size`);
    entries.push({ name, data, mode });
  }
  return entries;
}
