// `fuzzwb export clusterfuzzlite`: writes .clusterfuzzlite/ and the PR workflow from fuzzwb.json.
import { resolve } from 'node:path';
import { clusterFuzzLiteFiles } from '../export/clusterFuzzLite';
import { ExportConfigError, readExportModel } from '../export/exportModel';
import { ConflictError, writeGenerated } from '../export/writeGenerated';
import { EXIT } from './exitCodes';
import { UsageError, type ParsedArgs } from './flags';

const FORMATS = ['clusterfuzzlite'];

export function exportCommand(args: ParsedArgs): number {
  const [format, ...extra] = args.positional;
  if (format === undefined || extra.length > 0) {
    throw new UsageError('usage: fuzzwb export clusterfuzzlite [-config=fuzzwb.json] [-out=DIR]');
  }
  if (!FORMATS.includes(format)) {
    throw new UsageError(`cannot export to ${format}; formats: ${FORMATS.join(', ')}`);
  }
  const configPath = resolve(args.flags.config || 'fuzzwb.json');
  let project;
  try {
    project = readExportModel(configPath);
  } catch (err) {
    if (err instanceof ExportConfigError) throw new UsageError(err.message);
    throw err;
  }
  const outDir = resolve(args.flags.out || project.root);
  const files = clusterFuzzLiteFiles(project);
  let plan;
  try {
    plan = writeGenerated(outDir, files, args.flags.force !== 0);
  } catch (err) {
    if (err instanceof ConflictError) {
      process.stderr.write(`fuzzwb: ${err.message}\n`);
      return EXIT.error;
    }
    throw err;
  }
  for (const f of plan.write) process.stderr.write(`wrote ${resolve(outDir, f.path)}\n`);
  for (const p of plan.unchanged) process.stderr.write(`unchanged ${resolve(outDir, p)}\n`);
  process.stderr.write(
    `${project.targets.length} target(s) of project ${project.name}; ` +
      `build locally with OSS-Fuzz's helper or in CI with .github/workflows/cflite_pr.yml\n`,
  );
  return EXIT.ok;
}
