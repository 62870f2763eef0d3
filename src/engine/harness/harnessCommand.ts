// `fuzzwb harness SOURCE_FILE FUNCTION|LINE [-template=...] [-config=...]`, and `-list=1` for candidates.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigEditError } from '../config/addTarget';
import { CONFIG_FILE_NAME } from '../config/types';
import { parseArgs, UsageError, type FlagSpec } from '../cli/flags';
import { boolFlag } from '../../protocol/options';
import { EXIT } from '../cli/exitCodes';
import { createHarness } from './createHarness';
import { candidateFunctions, HarnessError, TEMPLATE_KINDS, type TemplateKind } from './generate';

const USAGE =
  'usage: fuzzwb harness SOURCE_FILE FUNCTION_OR_LINE [-template=bytes|struct|device] ' +
  `[-config=${CONFIG_FILE_NAME}]   (or: fuzzwb harness SOURCE_FILE -list=1)`;

const FLAGS = [
  {
    name: 'template',
    kind: 'string',
    default: '',
    help: 'bytes, struct or device (default: guessed).',
  },
  {
    name: 'config',
    kind: 'string',
    default: CONFIG_FILE_NAME,
    help: 'The config the target is added to.',
  },
  boolFlag('list', 0, 'List the functions a harness can be made for.'),
  boolFlag('help', 0, 'Print this help.'),
] as const satisfies readonly FlagSpec[];

export function harnessCommand(argv: readonly string[]): number {
  const { flags, positional } = parseArgs(argv, FLAGS);
  if (flags.help !== 0) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [source, which] = positional;
  if (source === undefined) throw new UsageError(USAGE);
  const sourcePath = resolve(source);
  if (flags.list !== 0) {
    let text: string;
    try {
      text = readFileSync(sourcePath, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${source}: ${(err as Error).message}`);
    }
    for (const f of candidateFunctions(text)) {
      const line = { name: f.name, line: f.nameLine, static: f.isStatic, params: f.params };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return EXIT.ok;
  }
  if (which === undefined) throw new UsageError(USAGE);
  const template = flags.template;
  if (template !== '' && !(TEMPLATE_KINDS as readonly string[]).includes(template)) {
    throw new UsageError(
      `-template must be one of ${TEMPLATE_KINDS.join(', ')}, not "${template}"`,
    );
  }
  try {
    const made = createHarness({
      sourcePath,
      ...(/^\d+$/.test(which) ? { line: Number(which) } : { functionName: which }),
      ...(template !== '' ? { template: template as TemplateKind } : {}),
      configPath: resolve(flags.config),
    });
    process.stderr.write(
      `fuzzwb: wrote ${made.harnessPath} (${made.generated.template} template) and added ` +
        `target "${made.target.name}" to ${flags.config}\n`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof HarnessError || err instanceof ConfigEditError) {
      process.stderr.write(`fuzzwb: ${err.message}\n`);
      return EXIT.error;
    }
    throw err;
  }
}
