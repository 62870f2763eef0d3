// Finds the C/C++ function defined at a line, cheaply enough for a code action (pure).

const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'do',
  'else',
  'case',
  'defined',
]);

/** `type name(` at the start of a line: a declaration or definition head. */
const HEAD = /^\s*(?:[A-Za-z_][\w]*[\s*&]+)+([A-Za-z_]\w*)\s*\(/;

/** How far below the head the opening brace may be (parameters over several lines). */
const LOOKAHEAD_LINES = 8;

/**
 * The name of the function whose definition starts on `line` (0-based), or undefined. A
 * prototype (`;` before `{`), a call or a macro is not a definition. The engine parses the
 * signature properly; this only decides whether to offer the action.
 */
export function functionNameAt(lines: readonly string[], line: number): string | undefined {
  const text = lines[line];
  if (text === undefined || text.trimStart().startsWith('#')) return undefined;
  const m = HEAD.exec(text);
  const name = m?.[1];
  if (name === undefined || KEYWORDS.has(name)) return undefined;
  if (/^\s*(?:return|else|case)\b/.test(text)) return undefined;
  const rest = lines.slice(line, line + LOOKAHEAD_LINES).join('\n');
  const brace = rest.indexOf('{');
  const semi = rest.indexOf(';');
  if (brace < 0 || (semi >= 0 && semi < brace)) return undefined;
  return name;
}
