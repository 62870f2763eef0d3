// Builds a target for the IDE: the harness and its sources with fuzzwb-cc, or the user's build command.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { BuildResult, CompilerDiagnostic } from '../../protocol/messages';
import type { FuzzTarget } from '../config/types';

const CXX_EXTS = new Set(['.cc', '.cpp', '.cxx']);
const DIAGNOSTIC = /^(.+?):(\d+):(\d+): (error|warning|note): (.*)$/;

/** clang/gcc `file:line:col: severity: message` lines; everything else is context. */
export function parseCompilerOutput(text: string): CompilerDiagnostic[] {
  const out: CompilerDiagnostic[] = [];
  for (const line of text.split('\n')) {
    const m = DIAGNOSTIC.exec(line);
    if (m === null) continue;
    out.push({
      file: m[1] ?? '',
      line: Number(m[2]),
      column: Number(m[3]),
      severity: m[4] as CompilerDiagnostic['severity'],
      message: m[5] ?? '',
    });
  }
  return out;
}

/**
 * A harness found in the workspace without a config entry: it is compiled with the other C/C++
 * files of its folder that define neither an entry point nor main (the usual example layout).
 */
export function siblingSources(harness: string): string[] {
  const dir = dirname(harness);
  const ext = extname(harness);
  return readdirSync(dir)
    .filter((n) => n !== harness.slice(dir.length + 1))
    .filter((n) => (CXX_EXTS.has(ext) ? /\.(c|cc|cpp|cxx)$/ : /\.c$/).test(n))
    .map((n) => join(dir, n))
    .filter((p) => !/\b(LLVMFuzzerTestOneInput|main)\s*\(/.test(readFileSync(p, 'utf8')))
    .sort();
}

interface Run {
  code: number | null;
  output: string;
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv, onOutput: (t: string) => void) {
  return new Promise<Run>((resolve) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd ?? '', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (b: Buffer): void => {
      const t = b.toString('utf8');
      output = (output + t).slice(-1_000_000);
      onOutput(t);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

export interface BuildInputs {
  target: FuzzTarget;
  /** From the IDE settings; the config's list when empty. */
  sanitizers: string[];
  /** bin/ of this installation (fuzzwb-cc, fuzzwb-c++). */
  binDir: string;
  /** Compile the harness's folder siblings too (a harness without a config entry). */
  withSiblings: boolean;
}

/** Builds into a temporary name and renames, so a failed build never replaces a working binary. */
export async function buildForIde(
  inputs: BuildInputs,
  onOutput: (text: string) => void,
): Promise<BuildResult> {
  const { target, binDir } = inputs;
  const sanitizers = inputs.sanitizers.length > 0 ? inputs.sanitizers : target.sanitizers;
  const env = {
    ...process.env,
    FUZZWB_SANITIZERS: sanitizers.length > 0 ? sanitizers.join(',') : 'none',
    CC: join(binDir, 'fuzzwb-cc'),
    CXX: join(binDir, 'fuzzwb-c++'),
  };
  mkdirSync(dirname(target.binary), { recursive: true });
  let r: Run;
  if (target.build !== undefined) {
    onOutput(`$ ${target.build.command.join(' ')}\n`);
    r = await run(target.build.command, target.build.cwd, env, onOutput);
  } else if (target.harness !== undefined) {
    const sources = [
      target.harness,
      ...target.sources,
      ...(inputs.withSiblings ? siblingSources(target.harness) : []),
    ];
    const cxx = sources.some((s) => CXX_EXTS.has(extname(s)));
    const tmp = `${target.binary}.tmp-${process.pid}`;
    const argv = [
      join(binDir, cxx ? 'fuzzwb-c++' : 'fuzzwb-cc'),
      '-O1',
      '-g',
      ...target.cflags,
      ...sources,
      ...target.ldflags,
      '-o',
      tmp,
    ];
    onOutput(`$ ${argv.join(' ')}\n`);
    r = await run(argv, dirname(target.harness), env, onOutput);
    if (r.code === 0) renameSync(tmp, target.binary);
    else rmSync(tmp, { force: true });
  } else {
    return {
      ok: false,
      binary: target.binary,
      diagnostics: [],
      error: `target ${target.name} has neither a harness nor a build command`,
    };
  }
  const diagnostics = parseCompilerOutput(r.output);
  if (r.code === 0 && existsSync(target.binary)) {
    return { ok: true, binary: target.binary, diagnostics };
  }
  const tail = r.output.trim().split('\n').slice(-3).join(' | ');
  return {
    ok: false,
    binary: target.binary,
    diagnostics,
    error:
      r.code === 0
        ? `the build succeeded but did not produce ${target.binary}`
        : `the build failed (exit code ${r.code}): ${tail}`,
  };
}
