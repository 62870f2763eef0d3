// A small C/C++ scanner: the functions a source file defines (name, signature, lines) and its constants.

/** One function defined (with a body) or declared (a prototype) at file scope. */
export interface CFunction {
  name: string;
  /** Everything before the name: return type, storage class (static), qualifiers. */
  returnType: string;
  /** The text between the parentheses, comments removed, whitespace collapsed. */
  params: string;
  isStatic: boolean;
  hasBody: boolean;
  /** 1-based lines: where the declaration starts, where the name is, where it ends. */
  startLine: number;
  nameLine: number;
  endLine: number;
  /** Offsets of the body's braces in the source (hasBody only). */
  bodyStart: number;
  bodyEnd: number;
}

const NOT_FUNCTIONS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'defined',
  '__attribute__',
  '__declspec',
  'alignas',
  '_Alignas',
  'decltype',
]);

/**
 * The source with comments, string and character literals and preprocessor lines replaced by
 * spaces: offsets and newlines stay where they were, so positions map back one to one.
 */
export function blankNonCode(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  let lineStart = true;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (lineStart && c === '#') {
      // A directive runs to the end of the line, continued by a trailing backslash.
      let j = i;
      while (j < src.length && !(src[j] === '\n' && src[j - 1] !== '\\')) j++;
      blank(i, j);
      i = j;
      continue;
    }
    if (c === '/' && next === '/') {
      const j = src.indexOf('\n', i);
      const end = j < 0 ? src.length : j;
      blank(i, end);
      i = end;
      continue;
    }
    if (c === '/' && next === '*') {
      const j = src.indexOf('*/', i + 2);
      const end = j < 0 ? src.length : j + 2;
      blank(i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      // Keep the quotes so `extern "C"` still reads as a string; blank what is inside.
      blank(i + 1, Math.min(j, src.length));
      i = j + 1;
      lineStart = false;
      continue;
    }
    if (c === '\n') lineStart = true;
    else if (c !== ' ' && c !== '\t' && c !== '\r') lineStart = false;
    i++;
  }
  return out.join('');
}

/** 1-based line of an offset. */
function lineAt(src: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < src.length; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

/** Index of the bracket matching the closing one at `close`, scanning backwards. */
function matchBackward(code: string, close: number, open: string, shut: string): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (code[i] === shut) depth++;
    else if (code[i] === open && --depth === 0) return i;
  }
  return -1;
}

function matchForward(code: string, openAt: number, open: string, shut: string): number {
  let depth = 0;
  for (let i = openAt; i < code.length; i++) {
    if (code[i] === open) depth++;
    else if (code[i] === shut && --depth === 0) return i;
  }
  return code.length - 1;
}

/** Trailing words a C++ member function may carry between `)` and its body. */
const TRAILING =
  /(\s*(const|noexcept|override|final|volatile|&|&&|__attribute__\s*\(\(.*?\)\)))*\s*$/;

/**
 * Tries to read a function header ending at `end` (exclusive: where `{` or `;` is). Returns
 * undefined for anything else (struct bodies, initializers, control statements).
 */
function readHeader(
  code: string,
  from: number,
  end: number,
): { name: string; nameAt: number; params: string; returnType: string } | undefined {
  const head = code.slice(from, end);
  const trimmed = head.replace(TRAILING, '');
  if (!trimmed.endsWith(')')) return undefined;
  const close = from + trimmed.length - 1;
  const open = matchBackward(code, close, '(', ')');
  if (open < from) return undefined;
  const before = code.slice(from, open);
  const m = /([A-Za-z_~][\w:~]*)\s*$/.exec(before);
  if (m === null) return undefined;
  const name = (m[1] as string).replace(/^.*::/, '');
  if (NOT_FUNCTIONS.has(name)) return undefined;
  const returnType = before.slice(0, m.index).replace(/\s+/g, ' ').trim();
  // A macro call at file scope (FOO(x);) or an initializer has no return type.
  if (returnType === '' || /[=;]/.test(returnType)) return undefined;
  return {
    name,
    nameAt: from + (m.index ?? 0),
    params: code
      .slice(open + 1, close)
      .replace(/\s+/g, ' ')
      .trim(),
    returnType,
  };
}

/** Every function defined or declared at file scope (namespaces and extern "C" blocks included). */
export function listFunctions(src: string): CFunction[] {
  const code = blankNonCode(src);
  const out: CFunction[] = [];
  let stmtStart = 0;
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === ';' || c === '}') {
      if (c === ';') {
        const h = readHeader(code, stmtStart, i);
        if (h !== undefined && !/\btypedef\b/.test(h.returnType)) {
          out.push(toFunction(src, code, h, stmtStart, i, false, 0, 0));
        }
      }
      stmtStart = i + 1;
      i++;
      continue;
    }
    if (c === '(') {
      // Skip parenthesised text whole, so `;` inside for-like macros cannot end a statement.
      i = matchForward(code, i, '(', ')') + 1;
      continue;
    }
    if (c === '{') {
      const prefix = code.slice(stmtStart, i);
      if (/\b(namespace(\s+[\w:]+)?|extern\s*"\s*")\s*$/.test(prefix)) {
        // Transparent scopes: their contents are at file scope for our purposes.
        stmtStart = i + 1;
        i++;
        continue;
      }
      const close = matchForward(code, i, '{', '}');
      const h = readHeader(code, stmtStart, i);
      if (h !== undefined) out.push(toFunction(src, code, h, stmtStart, close, true, i, close));
      // struct/enum/initializer bodies end at their `;`, functions at their `}`.
      i = close + 1;
      if (h !== undefined) stmtStart = i;
      continue;
    }
    i++;
  }
  return out;
}

function toFunction(
  src: string,
  code: string,
  h: { name: string; nameAt: number; params: string; returnType: string },
  from: number,
  end: number,
  hasBody: boolean,
  bodyStart: number,
  bodyEnd: number,
): CFunction {
  let start = from;
  // Skipped in the blanked text: comments and directives before a function are not part of it.
  while (start < end && /\s/.test(code[start] ?? '')) start++;
  return {
    name: h.name,
    returnType: h.returnType.replace(/\b(extern|inline|__inline__|__inline)\b\s*/g, '').trim(),
    params: h.params,
    isStatic: /\bstatic\b/.test(h.returnType),
    hasBody,
    startLine: lineAt(src, start),
    nameLine: lineAt(src, h.nameAt),
    endLine: lineAt(src, end),
    bodyStart,
    bodyEnd,
  };
}

/** The function defined at a 1-based line (its signature or body), if any. */
export function functionAtLine(src: string, line: number): CFunction | undefined {
  return listFunctions(src).find((f) => f.hasBody && f.startLine <= line && line <= f.endLine);
}

/** Integer constants from `#define NAME value` and enumerators (explicit or counted). */
export function integerConstants(src: string): Map<string, number> {
  const out = new Map<string, number>();
  const num = (text: string): number | undefined => {
    const t = text.trim().replace(/[uUlL]+$/, '');
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^\d+$/.test(t)) return Number(t);
    return out.get(t);
  };
  for (const m of src.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+\(?([\w]+)\)?[ \t]*$/gm)) {
    const v = num(m[2] as string);
    if (v !== undefined) out.set(m[1] as string, v);
  }
  const code = blankNonCode(src);
  for (const m of code.matchAll(/\benum\b[^{;()]*\{([^}]*)\}/g)) {
    let next = 0;
    for (const item of (m[1] as string).split(',')) {
      const e = /^\s*(\w+)\s*(?:=\s*([^,]+?))?\s*$/.exec(item);
      if (e === null) continue;
      const v = e[2] !== undefined ? num(e[2]) : next;
      if (v === undefined) continue;
      out.set(e[1] as string, v);
      next = v + 1;
    }
  }
  return out;
}

/** The enumerator names of `enum tag { ... }` (also `typedef enum {...} tag`), in order. */
export function enumMembers(src: string, tag: string): string[] | undefined {
  const code = blankNonCode(src);
  const patterns = [
    new RegExp(`\\benum\\s+${tag}\\s*\\{([^}]*)\\}`),
    new RegExp(`\\btypedef\\s+enum\\s*\\w*\\s*\\{([^}]*)\\}\\s*${tag}\\s*;`),
  ];
  for (const re of patterns) {
    const m = re.exec(code);
    if (m === null) continue;
    return (m[1] as string)
      .split(',')
      .map((s) => /^\s*(\w+)/.exec(s)?.[1])
      .filter((s): s is string => s !== undefined);
  }
  return undefined;
}
