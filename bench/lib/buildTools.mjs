// Build steps shared by the find and coverage benches: run a compiler, rebuild only when stale.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { root } from './engineBundle.mjs';

export const fuzzwbCc = join(root, 'bin', 'fuzzwb-cc');
export const fuzzwbCxx = join(root, 'bin', 'fuzzwb-c++');
export const fuzzwbCli = join(root, 'bin', 'fuzzwb');

/** Every fuzzer's build gets the same optimization and debug info; each adds its own ASan and coverage. */
export const OPT = ['-O1', '-g'];
/** Linked into AFL++'s main target so that its -c CMPLOG binary really runs (see the file). */
export const aflCmplogExec = join(root, 'bench', 'lib', 'afl_cmplog_exec.c');

/** Tools the peers need, with the Debian package of each. */
const TOOLS = [
  ['clang-19', 'clang-19'],
  ['afl-fuzz', 'afl++'],
  ['afl-clang-fast', 'afl++'],
];

function onPath(name) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/** Throws one line naming what is missing: a Debian package, or the project's own build. */
export function checkTools(extra = []) {
  for (const [tool, pkg] of [...TOOLS, ...extra]) {
    if (!onPath(tool)) throw new Error(`${tool} not found: install the Debian package ${pkg}`);
  }
  for (const f of ['engine.js', 'fuzzwb-cc.js']) {
    if (!existsSync(join(root, 'out', f)))
      throw new Error(`out/${f} is missing: run npm run build`);
  }
}

/** Runs a build command; on failure throws one line: the command and its first error line. */
export function run(cmd, args, { cwd = root, env = process.env } = {}) {
  const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: 'pipe' });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) {
    const lines = `${res.stdout}\n${res.stderr}`.trim().split('\n').filter(Boolean);
    // AFL++'s clang-14 lacks its ASan runtime unless libclang-rt-14-dev is installed.
    if (lines.some((l) => /libclang_rt\.asan[^\s]*: No such file/.test(l))) {
      throw new Error(
        'afl-clang-fast cannot link ASan: install libclang-rt-14-dev (scripts/setup.sh)',
      );
    }
    const why = lines.find((l) => /error|undefined reference/i.test(l)) ?? lines.pop() ?? '';
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why.trim()}`);
  }
  return res.stdout;
}

/** Calls build() unless `output` exists and is newer than every one of `inputs`. */
export function make(output, inputs, build) {
  if (existsSync(output)) {
    const built = statSync(output).mtimeMs;
    if (inputs.every((f) => statSync(f).mtimeMs <= built)) return output;
  }
  build();
  return output;
}
