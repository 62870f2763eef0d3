// The fuzzwb command line: the engine run headless (CI, machines without VS Code).
import { isTargetError } from './exec/executor';
import { OutputError } from './io/writable';
import { buildCommand } from './build/buildCommand';
import { harnessCommand } from './harness/harnessCommand';
import { EXIT } from './cli/exitCodes';
import { flagsHelp, parseArgs, UsageError } from './cli/flags';
import { covCommand } from './cli/covCommand';
import { exportCommand } from './cli/exportCommand';
import { fuzzCommand } from './cli/fuzzCommand';
import { importCommand } from './cli/importCommand';
import { mergeCommand } from './cli/mergeCommand';
import { minimizeCommand } from './cli/minimizeCommand';
import { runCommand } from './cli/runCommand';
import { fuzzWorkerCommand } from './workers/workerMain';
import { serveCommand } from './server/serveCommand';

const USAGE = `usage: fuzzwb <command> [arguments] [-flag=value ...]

commands:
  fuzz TARGET [CORPUS_DIR...]   fuzz TARGET; new inputs go to the first corpus directory
  run TARGET FILE...            run each input once in a fresh child, print how it ended (JSON lines)
  cov TARGET CORPUS_DIR...      run a corpus once, export source coverage (-lcov, -sancov_json, -summary)
  minimize TARGET CRASH_FILE    shrink a crashing input, keeping its crash state (-runs, -max_total_time)
  merge TARGET OUT_DIR IN_DIR...  copy into OUT_DIR the inputs of IN_DIRs that add coverage, smallest first
  export clusterfuzzlite        write .clusterfuzzlite/ and a PR workflow from fuzzwb.json (-config, -out, -force)
  import TARGET PATH...         re-run AFL++/libFuzzer/ClusterFuzzLite crashes and read SARIF logs into the findings (-artifact_prefix, -json)
  harness SOURCE FUNCTION|LINE  write <function>_fuzz.c next to SOURCE, add its target to fuzzwb.json (-template, -config, -list)
  build [TARGET_NAME...]        build targets of fuzzwb.json (-config, -json); compiler errors as file:line:col
  serve --stdio                 the engine for the VS Code extension (JSON-RPC on stdin/stdout)
  help                          print this help

TARGET is a harness (LLVMFuzzerTestOneInput) built with fuzzwb-cc / fuzzwb-c++.

flags:
${flagsHelp()}

exit codes: 0 nothing found, 1 error, 2 bad usage, 70 timeout, 71 out of memory, 77 crash`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (
    command === undefined ||
    command === 'help' ||
    command === '-help' ||
    command === '--help' ||
    command === '-h'
  ) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  // The server's arguments come from a language client, not the fuzzer's flag table.
  if (command === 'serve') return serveCommand(rest);
  // These take their own flags (-config, -template, -json), not the fuzzer's table.
  if (command === 'harness') return harnessCommand(rest);
  if (command === 'build') return buildCommand(rest);
  const args = parseArgs(rest);
  if (args.flags.help !== 0) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  switch (command) {
    case 'fuzz':
      return fuzzCommand(args);
    // Internal: one worker process of `fuzz -workers=N`, started by the parent over IPC.
    case 'fuzz-worker':
      return fuzzWorkerCommand();
    case 'run':
      return runCommand(args);
    case 'cov':
      return covCommand(args);
    case 'minimize':
      return minimizeCommand(args);
    case 'merge':
      return mergeCommand(args);
    case 'export':
      return exportCommand(args);
    case 'import':
      return importCommand(args);
    default:
      throw new UsageError(`unknown command: ${command} (see fuzzwb help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError;
    const known = usage || isTargetError(err) || err instanceof OutputError;
    const msg =
      err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err);
    process.stderr.write(`fuzzwb: ${msg}\n`);
    process.exitCode = usage ? EXIT.usage : EXIT.error;
  },
);
