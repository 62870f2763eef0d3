// A strict JSON parser that keeps every value's offsets, so config errors can point at line:column.

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number };

export interface JsonEntry {
  key: string;
  keyStart: number;
  node: JsonNode;
}

/** A syntax error: what was expected, and the offset where it went wrong. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (what VS Code counts). */
  column: number;
}

/** The 1-based line and column of `offset` in `text`. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    // A BOM is common in files saved by Windows editors; JSON.parse would reject it too loudly.
    if (this.text.charCodeAt(0) === 0xfeff) this.at = 1;
    this.skipSpace();
    const node = this.parseValue();
    this.skipSpace();
    if (this.at < this.text.length) this.fail('unexpected text after the JSON value');
    return node;
  }

  private fail(message: string, offset = this.at): never {
    throw new JsonSyntaxError(message, offset);
  }

  private skipSpace(): void {
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.at++;
      else if (c === '/' && (this.text[this.at + 1] === '/' || this.text[this.at + 1] === '*')) {
        this.fail('comments are not allowed in JSON');
      } else return;
    }
  }

  private parseValue(): JsonNode {
    const c = this.text[this.at];
    const start = this.at;
    if (c === '{') return this.parseObject();
    if (c === '[') return this.parseArray();
    if (c === '"') return { kind: 'string', start, value: this.parseString(), end: this.at };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { ...node, start, end: this.at };
      }
    }
    if (c === undefined) this.fail('unexpected end of file: a value is missing');
    if (c === "'") this.fail('strings must use double quotes');
    this.fail(`unexpected character ${JSON.stringify(c)}: expected a value`);
  }

  private parseObject(): JsonNode {
    const start = this.at++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return { kind: 'object', start, end: this.at, entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') {
        if (this.text[this.at] === '}') this.fail('trailing comma before }');
        this.fail('expected a property name in double quotes');
      }
      const keyStart = this.at;
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail(`expected ":" after "${key}"`);
      this.at++;
      this.skipSpace();
      entries.push({ key, keyStart, node: this.parseValue() });
      this.skipSpace();
      const c = this.text[this.at];
      if (c === ',') {
        this.at++;
        continue;
      }
      if (c === '}') {
        this.at++;
        return { kind: 'object', start, end: this.at, entries };
      }
      this.fail(c === undefined ? 'unexpected end of file: missing }' : 'expected "," or "}"');
    }
  }

  private parseArray(): JsonNode {
    const start = this.at++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return { kind: 'array', start, end: this.at, items };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === ']') this.fail('trailing comma before ]');
      items.push(this.parseValue());
      this.skipSpace();
      const c = this.text[this.at];
      if (c === ',') {
        this.at++;
        continue;
      }
      if (c === ']') {
        this.at++;
        return { kind: 'array', start, end: this.at, items };
      }
      this.fail(c === undefined ? 'unexpected end of file: missing ]' : 'expected "," or "]"');
    }
  }

  private parseString(): string {
    const open = this.at++;
    let out = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === '\n') this.fail('unterminated string', open);
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c < ' ') this.fail('control character in string: escape it');
      if (c !== '\\') {
        out += c;
        this.at++;
        continue;
      }
      const e = this.text[this.at + 1] ?? '';
      if (e === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape: four hex digits expected');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        this.at += 2;
      } else {
        this.fail(`bad escape \\${e}`);
      }
    }
  }

  private parseNumber(): JsonNode {
    const start = this.at;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(start, start + 400));
    if (m === null) this.fail('bad number');
    this.at += m[0].length;
    return { kind: 'number', start, end: this.at, value: Number(m[0]) };
  }
}

/** Parses `text`; throws JsonSyntaxError with the offset of the first problem. */
export function parseJsonTree(text: string): JsonNode {
  return new Parser(text).parseDocument();
}

/** The plain value of a node (duplicate keys: the last one wins, as in JSON.parse). */
export function toValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.entries.map((e) => [e.key, toValue(e.node)]));
    case 'array':
      return node.items.map(toValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}
