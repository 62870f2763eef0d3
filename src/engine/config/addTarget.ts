// Adds a target to fuzzwb.json as a text edit: the user's other content and layout stay as written.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite';
import { parseFuzzConfig, formatConfigErrors, hardErrors } from './loadConfig';
import { parseJsonTree, type JsonNode } from './jsonTree';

/** A target as it is written into the file (paths relative to the config's folder). */
export interface TargetEntry {
  name: string;
  harness?: string;
  sources?: string[];
  build?: { command: string[]; cwd?: string };
  binary?: string;
  corpus?: string;
  artifacts?: string;
  dictionary?: string;
  sanitizers?: string[];
  cflags?: string[];
  ldflags?: string[];
  options?: Record<string, number | string>;
}

/** Refusal to edit: the message says why; the file was not touched. */
export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
}

/** The whitespace that starts the line holding `offset`. */
function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** `value` as JSON with two-space indentation, every line after the first indented by `indent`. */
function render(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

function insertInArray(
  text: string,
  array: Extract<JsonNode, { kind: 'array' }>,
  entry: TargetEntry,
): string {
  const last = array.items[array.items.length - 1];
  if (last === undefined) {
    const outer = indentOf(text, array.start);
    const inner = `${outer}  `;
    const body = `[\n${inner}${render(entry, inner)}\n${outer}]`;
    return text.slice(0, array.start) + body + text.slice(array.end);
  }
  const first = array.items[0] as JsonNode;
  const ownLine = /\n[ \t]*$/.test(text.slice(0, first.start));
  const indent = ownLine ? indentOf(text, first.start) : '';
  const sep = ownLine ? `,\n${indent}` : ', ';
  return text.slice(0, last.end) + sep + render(entry, indent) + text.slice(last.end);
}

/**
 * The config text with `entry` appended to "targets" (pure). `text` undefined means no file yet.
 * Refuses a config with errors (the user must see and fix them first) and a name already taken.
 */
export function addTargetToConfigText(
  text: string | undefined,
  entry: TargetEntry,
  path = 'fuzzwb.json',
): string {
  if (text === undefined || text.trim() === '') {
    return `${render({ targets: [entry] }, '')}\n`;
  }
  const loaded = parseFuzzConfig(text, path);
  const errors = hardErrors(loaded.errors);
  if (errors.length > 0 || loaded.config === undefined) {
    throw new ConfigEditError(
      `${path} has errors; fix them before adding a target:\n${formatConfigErrors(path, errors)}`,
    );
  }
  if (loaded.config.targets.some((t) => t.name === entry.name)) {
    throw new ConfigEditError(`${path} already has a target named "${entry.name}"`);
  }
  const root = parseJsonTree(text);
  if (root.kind !== 'object') throw new ConfigEditError(`${path} is not a JSON object`);
  const targets = root.entries.find((e) => e.key === 'targets');
  if (targets !== undefined && targets.node.kind === 'array') {
    return insertInArray(text, targets.node, entry);
  }
  throw new ConfigEditError(`${path} has no "targets" array`);
}

/**
 * Adds `entry` to the config file at `path`, creating the file if needed. The file is rewritten
 * atomically, so a reader sees the old config or the whole new one, never half of it.
 */
export function addTargetToConfigFile(path: string, entry: TargetEntry): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  writeFileAtomic(path, addTargetToConfigText(text, entry, path));
}
