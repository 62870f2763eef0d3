// AFL/libFuzzer dictionary files (-dict=FILE): one quoted token per line, optionally named.
import { readFileSync } from 'node:fs';

/** A dictionary file that cannot be used; the message names the file and line. */
export class DictionaryError extends Error {
  override readonly name = 'DictionaryError';
}

/** `name="value"`, `name@3="value"` (AFL's level suffix) or `"value"`, nothing after it. */
const ENTRY = /^(?:[A-Za-z0-9_]+(?:@\d+)?\s*=\s*)?"(.*)"$/;

function hexDigit(c: string | undefined): number {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
}

/**
 * Decodes a quoted value's body. The text is read as latin1, so each character is one byte of
 * the file and tokens in UTF-8 files keep their exact bytes.
 */
function decodeValue(body: string): Buffer | string {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '"') return 'unescaped " inside the value';
    if (c !== '\\') {
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const e = body[i + 1];
    if (e === '\\' || e === '"') {
      out.push(e.charCodeAt(0));
      i++;
    } else if (e === 'x') {
      const hi = hexDigit(body[i + 2]);
      const lo = hexDigit(body[i + 3]);
      if (hi < 0 || lo < 0) return '\\x must be followed by two hex digits';
      out.push(hi * 16 + lo);
      i += 3;
    } else {
      return e === undefined ? 'value ends with a lone \\' : `unknown escape \\${e}`;
    }
  }
  return Buffer.from(out);
}

/** Parses dictionary text; `file` only names the source in errors. Duplicates are kept once. */
export function parseDictionary(text: string, file: string): Buffer[] {
  const tokens: Buffer[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ENTRY.exec(line);
    const decoded = m === null ? 'expected name="value" or "value"' : decodeValue(m[1] ?? '');
    if (typeof decoded === 'string') {
      throw new DictionaryError(`${file}:${i + 1}: malformed dictionary entry: ${decoded}`);
    }
    if (decoded.length === 0) continue;
    const key = decoded.toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    tokens.push(decoded);
  }
  return tokens;
}

/** Reads and parses a dictionary file; an unreadable file is a DictionaryError too. */
export function loadDictionary(path: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new DictionaryError(`cannot read dictionary ${path}: ${code}`);
  }
  return parseDictionary(text, path);
}
