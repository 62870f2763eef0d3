// Reads a C parameter list into what a harness must produce for each argument.

/** How the harness makes one argument. */
export type ParamKind =
  /** An integer (any width, signed or not, bool, size_t, enum without known members). */
  | 'int'
  | 'float'
  /** One of an enum's members. */
  | 'enum'
  /** A NUL-terminated string (char * without a length after it). */
  | 'string'
  /** Pointer to bytes whose length is the next parameter. */
  | 'buffer'
  /** The length of the buffer before it. */
  | 'length'
  /** Pointer to a struct (or other object): filled from the input when its size is known. */
  | 'object'
  /** Something we cannot make (function pointers, va_list, void * without length): NULL/0. */
  | 'opaque';

export interface CParam {
  /** The declared name, or argN when the prototype has none. */
  name: string;
  /** The type as written, without the name (e.g. "const uint8_t *"). */
  type: string;
  /** The type of the pointee with qualifiers removed (e.g. "uint8_t"), for pointers. */
  pointee?: string;
  pointerDepth: number;
  kind: ParamKind;
  /** For enum: the tag (enum X or typedef name). */
  enumTag?: string;
  /** For an object pointer: "struct X" or the typedef name. */
  objectType?: string;
}

const INT_WORDS = new Set([
  'char',
  'short',
  'int',
  'long',
  'signed',
  'unsigned',
  '_Bool',
  'bool',
  'size_t',
  'ssize_t',
  'off_t',
  'ptrdiff_t',
  'intptr_t',
  'uintptr_t',
  'hwaddr',
  'socklen_t',
  'pid_t',
  'uid_t',
  'gid_t',
  'mode_t',
  'time_t',
]);
const FLOAT_WORDS = new Set(['float', 'double']);
const BYTE_TYPES = new Set([
  'char',
  'signed char',
  'unsigned char',
  'uint8_t',
  'int8_t',
  'u8',
  'guchar',
  'gchar',
  'void',
  'Bytef',
  'png_byte',
  'xmlChar',
  'std::uint8_t',
  'std::byte',
]);
const QUALIFIERS = /\b(const|volatile|restrict|__restrict|__restrict__|register)\b/g;
const LENGTH_NAME = /(len|length|size|sz|count|cnt|num|bytes|nbytes|cap|n)$/i;

/** Splits at commas outside parentheses and brackets. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur.trim());
  return parts;
}

/** True for an integral scalar type (after qualifiers are removed). */
export function isIntegerType(base: string): boolean {
  if (/^enum\b/.test(base)) return true;
  if (/^u?int(8|16|32|64|max|ptr)?_t$/.test(base) || /^(u|s)(8|16|32|64)$/.test(base)) return true;
  if (/^(g?u?int(8|16|32|64)?|gsize|gssize|gboolean)$/.test(base)) return true;
  return base.split(/\s+/).every((w) => INT_WORDS.has(w) || w === 'std::size_t');
}

function classifyOne(raw: string, index: number): CParam {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (/\(\s*\*/.test(text) || /\bva_list\b/.test(text)) {
    const m = /\(\s*\*\s*(\w+)\s*\)/.exec(text);
    return { name: m?.[1] ?? `arg${index}`, type: text, pointerDepth: 1, kind: 'opaque' };
  }
  let body = text.replace(/=.*$/, '').trim();
  let arrays = 0;
  body = body.replace(/\s*\[[^\]]*\]/g, () => {
    arrays++;
    return '';
  });
  // The last identifier is the name unless it is part of the type (`unsigned`, `uint8_t *`).
  const m = /(\w+)\s*$/.exec(body);
  let name = `arg${index}`;
  let type = body;
  if (
    m !== null &&
    m.index > 0 &&
    !/^(const|volatile|int|char|long|short|unsigned|signed|double|float|void|bool|_Bool)$/.test(
      m[1] as string,
    )
  ) {
    const beforeName = body.slice(0, m.index).trim();
    if (beforeName !== '' && !/^(struct|union|enum)$/.test(beforeName)) {
      name = m[1] as string;
      type = beforeName;
    }
  }
  const pointerDepth = (type.match(/\*/g)?.length ?? 0) + arrays;
  const base = type.replace(/[*&]/g, ' ').replace(QUALIFIERS, ' ').replace(/\s+/g, ' ').trim();
  const param: CParam = {
    name,
    type: arrays > 0 ? `${type} *`.replace(/\s+\*/, ' *') : type,
    pointerDepth,
    kind: 'opaque',
  };
  if (pointerDepth === 0) {
    if (/^enum\s+\w+$/.test(base)) return { ...param, kind: 'enum', enumTag: base.slice(5).trim() };
    if (FLOAT_WORDS.has(base) || base === 'long double') return { ...param, kind: 'float' };
    if (isIntegerType(base)) return { ...param, kind: 'int' };
    // An unknown typedef passed by value: maybe an enum typedef; the generator checks.
    return { ...param, kind: 'enum', enumTag: base };
  }
  param.pointee = base;
  if (pointerDepth === 1 && BYTE_TYPES.has(base)) return { ...param, kind: 'buffer' };
  if (pointerDepth === 1 && base !== '') return { ...param, kind: 'object', objectType: base };
  return param;
}

/**
 * Parses a parameter list ("const uint8_t *buf, size_t len, int flags"). A byte pointer followed
 * by an integer whose name says length becomes buffer+length; a char pointer without one is a
 * string; a void pointer without one is opaque.
 */
export function parseParams(list: string): CParam[] {
  const text = list.trim();
  if (text === '' || text === 'void') return [];
  const params = splitTopLevel(text)
    .filter((p) => p !== '...')
    .map((p, i) => classifyOne(p, i));
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as CParam;
    const next = params[i + 1];
    if (p.pointerDepth !== 1) continue;
    const pairs =
      next !== undefined &&
      next.kind === 'int' &&
      next.pointerDepth === 0 &&
      (LENGTH_NAME.test(next.name) || /size_t|socklen_t/.test(next.type));
    if (p.kind === 'buffer' && pairs) {
      next.kind = 'length';
      i++;
    } else if (p.kind === 'buffer') {
      // Without a length: char is a C string, void is unknown, other bytes get the rest of the input.
      if (p.pointee === 'char') p.kind = 'string';
      else if (p.pointee === 'void') p.kind = 'opaque';
    }
  }
  return params;
}
