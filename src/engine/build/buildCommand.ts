// `fuzzwb build [TARGET_NAME...] [-config=fuzzwb.json] [-json=1]`: builds targets of the fuzz config.
import { resolve } from 'node:path';
import { formatConfigErrors, hardErrors, loadFuzzConfig } from '../config/loadConfig';
import { CONFIG_FILE_NAME } from '../config/types';
import { EXIT } from '../cli/exitCodes';
import { parseArgs, UsageError, type FlagSpec } from '../cli/flags';
import { boolFlag } from '../../protocol/options';
import { formatDiagnostic } from './diagnostics';
import { buildTarget } from './runBuild';

const USAGE = `usage: fuzzwb build [TARGET_NAME...] [-config=${CONFIG_FILE_NAME}] [-json=1]`;

const FLAGS = [
  {
    name: 'config',
    kind: 'string',
    default: CONFIG_FILE_NAME,
    help: 'The fuzz config whose targets are built.',
  },
  boolFlag('json', 0, 'Print JSON lines (config errors, diagnostics, results) on stdout.'),
  boolFlag('help', 0, 'Print this help.'),
] as const satisfies readonly FlagSpec[];

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Exit 0 when every named target built; 1 for a config error or a failed build. */
export async function buildCommand(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS);
  if (flags.help !== 0) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const json = flags.json !== 0;
  const emit = (obj: object): void => {
    if (json) process.stdout.write(`${JSON.stringify(obj)}\n`);
  };
  const configPath = resolve(flags.config);
  const { config, errors } = loadFuzzConfig(configPath);
  for (const e of errors) emit({ type: 'config-error', file: configPath, ...e });
  if (errors.length > 0) say(formatConfigErrors(configPath, errors));
  if (config === undefined) return EXIT.error;
  const names = positional.length > 0 ? positional : config.targets.map((t) => t.name);
  const targets = names.map((n) => {
    const t = config.targets.find((x) => x.name === n);
    if (t === undefined) {
      const why = hardErrors(errors).length > 0 ? ' or has errors' : '';
      throw new UsageError(
        `no target "${n}" in ${configPath}${why} (targets: ${config.targets.map((x) => x.name).join(', ') || 'none'})`,
      );
    }
    return t;
  });
  let failed = hardErrors(errors).length > 0 && positional.length === 0;
  for (const target of targets) {
    say(`fuzzwb: building ${target.name}`);
    const r = await buildTarget(target, { root: config.root });
    for (const d of r.diagnostics) {
      emit({ type: 'diagnostic', target: target.name, ...d });
      say(formatDiagnostic(d));
    }
    emit({ type: 'result', ...r, diagnostics: r.diagnostics.length });
    if (r.ok) {
      say(`fuzzwb: built ${target.name}: ${r.binary ?? ''}`);
    } else {
      failed = true;
      if (r.outputTail !== undefined && r.diagnostics.length === 0) say(r.outputTail);
      say(`fuzzwb: ${r.message ?? `build of ${target.name} failed`}`);
    }
  }
  return failed ? EXIT.error : EXIT.ok;
}
