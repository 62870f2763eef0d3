// Create Fuzz Harness: write <function>_fuzz.c next to the source and add its target to fuzzwb.json.
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { addTargetToConfigText, type TargetEntry } from '../config/addTarget';
import { writeFileAtomic } from '../io/atomicWrite';
import {
  generateHarness,
  HarnessError,
  type GeneratedHarness,
  type TemplateKind,
} from './generate';

export interface CreateHarnessRequest {
  /** Absolute path of the C/C++ source. */
  sourcePath: string;
  functionName?: string;
  line?: number;
  template?: TemplateKind;
  /** Absolute path of fuzzwb.json (created if missing). */
  configPath: string;
}

export interface CreatedHarness {
  harnessPath: string;
  generated: GeneratedHarness;
  /** The target added to the config. */
  target: TargetEntry;
}

/** The sibling header foo.h of foo.c (or .hpp/.hh for C++), if there is one. */
export function siblingHeader(sourcePath: string): { name: string; text: string } | undefined {
  const stem = sourcePath.slice(0, sourcePath.length - extname(sourcePath).length);
  for (const ext of ['.h', '.hpp', '.hh', '.hxx']) {
    const p = `${stem}${ext}`;
    if (existsSync(p)) return { name: basename(p), text: readFileSync(p, 'utf8') };
  }
  return undefined;
}

/** A path as written into fuzzwb.json: relative to its folder, with forward slashes. */
function configRelative(configPath: string, p: string): string {
  return relative(dirname(configPath), p).split(sep).join('/');
}

/** The config entry for a generated harness: its sources unless the harness includes them. */
export function targetEntryFor(
  configPath: string,
  sourcePath: string,
  harnessPath: string,
  generated: GeneratedHarness,
): TargetEntry {
  const dir = configRelative(configPath, dirname(sourcePath));
  return {
    name: basename(harnessPath, extname(harnessPath)),
    harness: configRelative(configPath, harnessPath),
    ...(generated.includesSource ? {} : { sources: [configRelative(configPath, sourcePath)] }),
    ...(dir !== '' && dir !== '.' ? { cflags: [`-I${dir}`] } : {}),
  };
}

/** Writes `text` to a new file; fails if one exists, and never leaves a partial file behind. */
function writeNewFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  writeFileSync(tmp, text, { flag: 'wx' });
  try {
    // link() fails with EEXIST instead of replacing: a harness someone wrote meanwhile is kept.
    linkSync(tmp, path);
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Generates and writes the harness, then adds the target. Refuses, before writing anything, when
 * the harness file exists, the config has errors, or the target name is taken.
 */
export function createHarness(req: CreateHarnessRequest): CreatedHarness {
  let sourceText: string;
  try {
    sourceText = readFileSync(req.sourcePath, 'utf8');
  } catch (err) {
    throw new HarnessError(`cannot read ${req.sourcePath}: ${(err as Error).message}`);
  }
  const generated = generateHarness({
    sourcePath: req.sourcePath,
    sourceText,
    header: siblingHeader(req.sourcePath),
    ...(req.functionName !== undefined ? { functionName: req.functionName } : {}),
    ...(req.line !== undefined ? { line: req.line } : {}),
    ...(req.template !== undefined ? { template: req.template } : {}),
  });
  const harnessPath = join(dirname(req.sourcePath), generated.fileName);
  if (existsSync(harnessPath)) {
    throw new HarnessError(`${harnessPath} already exists; it was left as it is`);
  }
  const target = targetEntryFor(req.configPath, req.sourcePath, harnessPath, generated);
  const configText = existsSync(req.configPath) ? readFileSync(req.configPath, 'utf8') : undefined;
  // Computed first: a config that cannot take the target stops us before any file is written.
  const newConfig = addTargetToConfigText(configText, target, req.configPath);
  writeNewFile(harnessPath, generated.text);
  try {
    writeFileAtomic(req.configPath, newConfig);
  } catch (err) {
    unlinkSync(harnessPath);
    throw err;
  }
  return { harnessPath, generated, target };
}
