// libFuzzer-style command-line flags (-name=value), parsed and range-checked by the options table.
import { FLAGS, type FlagSpec, type FlagValues, type IntFlagSpec } from '../../protocol/options';

export { FLAGS, type FlagSpec } from '../../protocol/options';

export interface ParsedArgs<T extends readonly FlagSpec[] = typeof FLAGS> {
  flags: FlagValues<T>;
  positional: string[];
}

/** Thrown for a command line that cannot be used; its message is the one line to print. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function rangeText(spec: IntFlagSpec): string {
  if (spec.min === 0 && spec.max === 1) return '0 or 1';
  return `a whole number from ${spec.min} to ${spec.max}`;
}

/** One int flag's value, or the one line saying why it cannot be used. */
function intValue(spec: IntFlagSpec, raw: string): number {
  const what = `-${spec.name} takes ${rangeText(spec)}`;
  if (!/^[-+]?\d+$/.test(raw)) throw new UsageError(`${what}, not "${raw}"`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    throw new UsageError(`${what}, not ${raw} (see -help=1)`);
  }
  return value;
}

/** Parses `-name=value` flags (`-name` alone means 1) and positional arguments. */
export function parseArgs<T extends readonly FlagSpec[] = typeof FLAGS>(
  argv: readonly string[],
  table: T = FLAGS as unknown as T,
): ParsedArgs<T> {
  const flags: Record<string, number | string> = {};
  for (const f of table) flags[f.name] = f.default;
  const positional: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const raw = eq < 0 ? '1' : body.slice(eq + 1);
    const spec = table.find((f) => f.name === name);
    if (spec === undefined) throw new UsageError(`unknown flag: -${name} (see -help=1)`);
    if (spec.kind === 'int') {
      flags[name] = intValue(spec, raw);
    } else {
      if (spec.choices !== undefined && !spec.choices.includes(raw)) {
        throw new UsageError(`-${name} takes one of ${spec.choices.join(', ')}, not "${raw}"`);
      }
      flags[name] = raw;
    }
  }
  return { flags: flags as FlagValues<T>, positional };
}

/** What one row says in help: its help text, what 0 means, its choices. */
export function describeFlag(f: FlagSpec): string {
  const parts = [f.help];
  if (f.kind === 'int' && f.zero !== undefined) parts.push(`0 = ${f.zero}.`);
  if (f.kind === 'string' && f.choices !== undefined) parts.push(`One of ${f.choices.join(', ')}.`);
  return parts.join(' ');
}

/** Help text listing every flag with its default. */
export function flagsHelp(table: readonly FlagSpec[] = FLAGS): string {
  const width = Math.max(...table.map((f) => f.name.length)) + 2;
  return table
    .map((f) => ` -${f.name.padEnd(width)}${String(f.default).padEnd(8)}${describeFlag(f)}`)
    .join('\n');
}

/** The per-input limit in ms: -timeout_ms when given, else -timeout in seconds; 0 = no limit. */
export function timeoutMsOf(flags: { timeout: number; timeout_ms: number }): number {
  return flags.timeout_ms || flags.timeout * 1000;
}
