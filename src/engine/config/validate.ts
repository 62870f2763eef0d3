// Checks a parsed fuzzwb.json tree against the contract, with a JSON pointer for every problem.
import type { JsonEntry, JsonNode } from './jsonTree';
import { pointerSegment } from './jsonTree';
import { configOptionFlags } from '../../protocol/options';
import type { ConfigSanitizer, TargetOptions } from './types';

/** A problem before positions are attached: the node it is about and its pointer. */
export interface RawProblem {
  message: string;
  pointer: string;
  /** Offset the problem is shown at. */
  offset: number;
  severity: 'error' | 'warning';
}

/** A target as written, paths still relative; only targets without errors are returned. */
export interface RawTarget {
  name: string;
  harness?: string;
  sources: string[];
  build?: { command: string[]; cwd: string; configure?: string[] };
  binary?: string;
  corpus?: string;
  artifacts?: string;
  dictionary?: string;
  sanitizers: ConfigSanitizer[];
  cflags: string[];
  ldflags: string[];
  options: TargetOptions;
}

export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
const SANITIZERS = ['address', 'undefined', 'memory', 'none'] as const;
const TARGET_KEYS = new Set([
  'name',
  'harness',
  'sources',
  'build',
  'binary',
  'corpus',
  'artifacts',
  'dictionary',
  'sanitizers',
  'cflags',
  'ldflags',
  'options',
]);

const KIND_NAMES: Record<JsonNode['kind'], string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

class Checker {
  readonly problems: RawProblem[] = [];

  error(node: { start: number } | number, pointer: string, message: string): void {
    const offset = typeof node === 'number' ? node : node.start;
    this.problems.push({ message, pointer, offset, severity: 'error' });
  }

  warn(offset: number, pointer: string, message: string): void {
    this.problems.push({ message, pointer, offset, severity: 'warning' });
  }

  /** The entries of an object, reporting duplicate keys (JSON.parse would silently keep the last). */
  entries(node: Extract<JsonNode, { kind: 'object' }>, pointer: string): Map<string, JsonEntry> {
    const map = new Map<string, JsonEntry>();
    for (const e of node.entries) {
      if (map.has(e.key)) {
        this.error(e.keyStart, `${pointer}/${pointerSegment(e.key)}`, `duplicate key "${e.key}"`);
      }
      map.set(e.key, e);
    }
    return map;
  }

  string(e: JsonEntry | undefined, pointer: string, what: string): string | undefined {
    if (e === undefined) return undefined;
    if (e.node.kind !== 'string') {
      this.error(e.node, pointer, `${what} must be a string, not ${KIND_NAMES[e.node.kind]}`);
      return undefined;
    }
    if (e.node.value === '') this.error(e.node, pointer, `${what} must not be empty`);
    return e.node.value;
  }

  stringArray(e: JsonEntry | undefined, pointer: string, what: string): string[] | undefined {
    if (e === undefined) return undefined;
    if (e.node.kind !== 'array') {
      this.error(
        e.node,
        pointer,
        `${what} must be an array of strings, not ${KIND_NAMES[e.node.kind]}`,
      );
      return undefined;
    }
    const out: string[] = [];
    e.node.items.forEach((item, i) => {
      if (item.kind === 'string') out.push(item.value);
      else this.error(item, `${pointer}/${i}`, `${what}[${i}] must be a string`);
    });
    return out;
  }
}

function checkBuild(c: Checker, e: JsonEntry, pointer: string): RawTarget['build'] {
  if (e.node.kind !== 'object') {
    c.error(e.node, pointer, 'build must be an object: {"command": ["make", "fuzz"], "cwd": "."}');
    return undefined;
  }
  const m = c.entries(e.node, pointer);
  for (const [key, entry] of m) {
    if (!['command', 'cwd', 'configure'].includes(key)) {
      c.warn(
        entry.keyStart,
        `${pointer}/${pointerSegment(key)}`,
        `unknown build property "${key}"`,
      );
    }
  }
  const commandEntry = m.get('command');
  if (commandEntry === undefined) {
    c.error(e.node, pointer, 'build needs "command": the build as an argv array');
    return undefined;
  }
  if (commandEntry.node.kind === 'string') {
    c.error(
      commandEntry.node,
      `${pointer}/command`,
      'build.command must be an argv array such as ["make", "fuzz"], not a shell string',
    );
    return undefined;
  }
  const command = c.stringArray(commandEntry, `${pointer}/command`, 'build.command');
  if (command !== undefined && command.length === 0) {
    c.error(commandEntry.node, `${pointer}/command`, 'build.command must not be empty');
  }
  const configure = c.stringArray(m.get('configure'), `${pointer}/configure`, 'build.configure');
  const cwd = c.string(m.get('cwd'), `${pointer}/cwd`, 'build.cwd') ?? '.';
  if (command === undefined || command.length === 0) return undefined;
  return { command, cwd, ...(configure !== undefined ? { configure } : {}) };
}

function checkSanitizers(c: Checker, e: JsonEntry, pointer: string): ConfigSanitizer[] {
  const list = c.stringArray(e, pointer, 'sanitizers') ?? [];
  list.forEach((s, i) => {
    if (!(SANITIZERS as readonly string[]).includes(s)) {
      const item = (e.node as Extract<JsonNode, { kind: 'array' }>).items[i] as JsonNode;
      c.error(item, `${pointer}/${i}`, `unknown sanitizer "${s}" (${SANITIZERS.join(', ')})`);
    }
  });
  if (list.includes('none') && list.length > 1) {
    c.error(e.node, pointer, '"none" cannot be combined with other sanitizers');
  }
  if (list.includes('memory') && list.length > 1) {
    c.error(e.node, pointer, '"memory" cannot be combined with other sanitizers');
  }
  return list.filter((s): s is ConfigSanitizer => s !== 'none');
}

function checkOptions(c: Checker, e: JsonEntry, pointer: string): TargetOptions {
  if (e.node.kind !== 'object') {
    c.error(e.node, pointer, 'options must be an object such as {"max_len": 4096}');
    return {};
  }
  // Every key is checked against the table row of the same name, which TargetOptions mirrors.
  const out: Record<string, number | string> = {};
  for (const [key, entry] of c.entries(e.node, pointer)) {
    const p = `${pointer}/${pointerSegment(key)}`;
    const n = entry.node;
    const spec = configOptionFlags().find((f) => f.name === key);
    if (spec === undefined) {
      c.warn(entry.keyStart, p, `unknown option "${key}"`);
    } else if (spec.kind === 'int') {
      if (
        n.kind !== 'number' ||
        !Number.isInteger(n.value) ||
        n.value < spec.min ||
        n.value > spec.max
      ) {
        c.error(n, p, `options.${key} must be a whole number from ${spec.min} to ${spec.max}`);
      } else {
        out[key] = n.value;
      }
    } else if (
      n.kind !== 'string' ||
      (spec.choices !== undefined && !spec.choices.includes(n.value))
    ) {
      c.error(n, p, `options.${key} must be one of ${(spec.choices ?? []).join(', ')}`);
    } else {
      out[key] = n.value;
    }
  }
  return out;
}

function checkTarget(c: Checker, node: JsonNode, pointer: string): RawTarget | undefined {
  if (node.kind !== 'object') {
    c.error(node, pointer, `a target must be an object, not ${KIND_NAMES[node.kind]}`);
    return undefined;
  }
  const before = c.problems.filter((p) => p.severity === 'error').length;
  const m = c.entries(node, pointer);
  for (const [key, entry] of m) {
    if (!TARGET_KEYS.has(key)) {
      c.warn(entry.keyStart, `${pointer}/${pointerSegment(key)}`, `unknown property "${key}"`);
    }
  }
  const p = (k: string): string => `${pointer}/${k}`;
  const name = c.string(m.get('name'), p('name'), 'name');
  if (m.get('name') === undefined) c.error(node, pointer, 'a target needs a "name"');
  else if (name !== undefined && name !== '' && !NAME_PATTERN.test(name)) {
    c.error(
      m.get('name')?.node ?? node,
      p('name'),
      `name "${name}" may only use A-Z a-z 0-9 _ . -`,
    );
  }
  const harness = c.string(m.get('harness'), p('harness'), 'harness');
  const buildEntry = m.get('build');
  const build = buildEntry !== undefined ? checkBuild(c, buildEntry, p('build')) : undefined;
  if (m.get('harness') === undefined && buildEntry === undefined) {
    c.error(
      node,
      pointer,
      `target "${name ?? '?'}" needs a "harness" (and "sources") or a "build"`,
    );
  }
  const binary = c.string(m.get('binary'), p('binary'), 'binary');
  if (buildEntry !== undefined && m.get('binary') === undefined) {
    c.error(node, pointer, `target "${name ?? '?'}" has a build command, so it needs "binary"`);
  }
  const sanitizersEntry = m.get('sanitizers');
  const target: RawTarget = {
    name: name ?? '',
    ...(harness !== undefined ? { harness } : {}),
    sources: c.stringArray(m.get('sources'), p('sources'), 'sources') ?? [],
    ...(build !== undefined ? { build } : {}),
    ...(binary !== undefined ? { binary } : {}),
    sanitizers:
      sanitizersEntry !== undefined
        ? checkSanitizers(c, sanitizersEntry, p('sanitizers'))
        : ['address', 'undefined'],
    cflags: c.stringArray(m.get('cflags'), p('cflags'), 'cflags') ?? [],
    ldflags: c.stringArray(m.get('ldflags'), p('ldflags'), 'ldflags') ?? [],
    options: m.has('options') ? checkOptions(c, m.get('options') as JsonEntry, p('options')) : {},
  };
  for (const key of ['corpus', 'artifacts', 'dictionary'] as const) {
    const v = c.string(m.get(key), p(key), key);
    if (v !== undefined) target[key] = v;
  }
  const after = c.problems.filter((x) => x.severity === 'error').length;
  return after === before ? target : undefined;
}

function nameOf(node: JsonNode): string | undefined {
  if (node.kind !== 'object') return undefined;
  const e = node.entries.find((x) => x.key === 'name');
  return e?.node.kind === 'string' ? e.node.value : undefined;
}

/** Validates the whole document; returns the targets without errors and every problem. */
export function validateConfigTree(root: JsonNode): {
  targets: RawTarget[];
  problems: RawProblem[];
} {
  const c = new Checker();
  if (root.kind !== 'object') {
    c.error(
      root,
      '',
      `the config must be an object {"targets": [...]}, not ${KIND_NAMES[root.kind]}`,
    );
    return { targets: [], problems: c.problems };
  }
  const m = c.entries(root, '');
  for (const [key, entry] of m) {
    if (key !== 'targets' && key !== '$schema') {
      c.warn(entry.keyStart, `/${pointerSegment(key)}`, `unknown property "${key}"`);
    }
  }
  const targetsEntry = m.get('targets');
  if (targetsEntry === undefined) {
    c.error(root, '', 'the config needs "targets": an array of targets');
    return { targets: [], problems: c.problems };
  }
  if (targetsEntry.node.kind !== 'array') {
    c.error(targetsEntry.node, '/targets', '"targets" must be an array');
    return { targets: [], problems: c.problems };
  }
  const targets: RawTarget[] = [];
  const seen = new Map<string, number>();
  targetsEntry.node.items.forEach((item, i) => {
    const t = checkTarget(c, item, `/targets/${i}`);
    // Names are compared even on broken targets, so one pass shows every problem.
    const name = nameOf(item);
    const first = name !== undefined ? seen.get(name) : undefined;
    if (name !== undefined && first !== undefined) {
      c.error(
        item,
        `/targets/${i}/name`,
        `duplicate target name "${name}" (also /targets/${first})`,
      );
      return;
    }
    if (name !== undefined) seen.set(name, i);
    if (t !== undefined) targets.push(t);
  });
  return { targets, problems: c.problems };
}
