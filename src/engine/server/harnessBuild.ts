// Builds a target for the IDE through src/engine/build, with the result shaped for Problems.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { BuildResult, CompilerDiagnostic } from '../../protocol/messages';
import type { CompilerDiagnostic as BuildDiagnostic } from '../build/diagnostics';
import { buildTarget } from '../build/runBuild';
import type { ConfigSanitizer, FuzzTarget } from '../config/types';

const CXX_EXTS = new Set(['.cc', '.cpp', '.cxx']);
const SANITIZERS: readonly ConfigSanitizer[] = ['address', 'undefined', 'memory'];

/**
 * A harness found in the workspace without a config entry is compiled with the other C/C++
 * files of its folder that define neither an entry point nor main (the usual example layout).
 */
export function siblingSources(harness: string): string[] {
  const dir = dirname(harness);
  const pattern = CXX_EXTS.has(extname(harness)) ? /\.(c|cc|cpp|cxx)$/ : /\.c$/;
  return readdirSync(dir)
    .filter((n) => n !== basename(harness) && pattern.test(n))
    .map((n) => join(dir, n))
    .filter((p) => !/\b(LLVMFuzzerTestOneInput|main)\s*\(/.test(readFileSync(p, 'utf8')))
    .sort();
}

/** Located diagnostics with their notes, flattened for the Problems panel. */
export function toProblems(diagnostics: readonly BuildDiagnostic[]): CompilerDiagnostic[] {
  const out: CompilerDiagnostic[] = [];
  const add = (d: BuildDiagnostic): void => {
    if (d.file !== undefined) {
      out.push({
        file: d.file,
        line: d.line,
        column: d.column,
        severity: d.severity,
        message: d.option !== undefined ? `${d.message} [${d.option}]` : d.message,
      });
    }
    for (const n of d.notes) add(n);
  };
  for (const d of diagnostics) add(d);
  return out;
}

export interface BuildInputs {
  target: FuzzTarget;
  /** The workspace root (searched for compile_commands.json). */
  root: string;
  /** Found without a config entry: compiled with its folder's sources and `sanitizers`. */
  fromHarnessScan: boolean;
  /** The IDE setting; config entries keep their own list. */
  sanitizers: string[];
}

export async function buildForIde(
  inputs: BuildInputs,
  onOutput: (text: string) => void,
): Promise<BuildResult> {
  const { target } = inputs;
  const effective: FuzzTarget =
    inputs.fromHarnessScan && target.harness !== undefined
      ? {
          ...target,
          sources: [...target.sources, ...siblingSources(target.harness)],
          sanitizers: SANITIZERS.filter((s) => inputs.sanitizers.includes(s)),
        }
      : target;
  const r = await buildTarget(effective, { root: inputs.root, onOutput });
  const diagnostics = toProblems(r.diagnostics);
  if (r.ok) return { ok: true, binary: r.binary ?? target.binary, diagnostics };
  const unlocated = r.diagnostics.filter((d) => d.file === undefined).map((d) => d.message);
  const tail = r.outputTail?.split('\n').slice(-3).join(' | ');
  return {
    ok: false,
    binary: target.binary,
    diagnostics,
    error: [r.message ?? `build of ${target.name} failed`, ...unlocated.slice(0, 2)]
      .concat(diagnostics.length === 0 && tail !== undefined ? [tail] : [])
      .join(': '),
  };
}
