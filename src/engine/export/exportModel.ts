// Reads fuzzwb.json into what an export needs: targets with paths relative to the project root.
import { basename, isAbsolute, relative } from 'node:path';
import { formatConfigErrors, hardErrors, loadFuzzConfig } from '../config/loadConfig';
import type { FuzzConfig } from '../config/types';

/** One fuzz target as the generated build script sees it: every path relative to the root. */
export interface ExportTarget {
  name: string;
  /** The harness source (defines LLVMFuzzerTestOneInput); '' for a target with its own build. */
  harness: string;
  sources: string[];
  /** The user's own build (argv array) and the folder it runs in. */
  build?: { command: string[]; cwd: string };
  /** The binary the user's own build produces. */
  binary: string;
  corpus: string;
  dictionary?: string;
  sanitizers: string[];
  cflags: string[];
  ldflags: string[];
  options: { maxLen?: number; timeout?: number; rssLimitMb?: number };
}

export interface ExportProject {
  /** Project name: the folder name of the config, as OSS-Fuzz names projects. */
  name: string;
  /** Absolute folder of fuzzwb.json: the root copied into the build image. */
  root: string;
  targets: ExportTarget[];
}

/** A config that cannot be exported; the message names the file and what is wrong. */
export class ExportConfigError extends Error {
  override readonly name = 'ExportConfigError';
}

/** An OSS-Fuzz project name: lower case letters, digits, dashes. */
export function projectName(root: string): string {
  const name = basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'project' : name;
}

/** Path options of compiler flags, as the config loader knows them. */
const PATH_FLAG = /^(-I|-isystem|-iquote|-idirafter|-include|-L)(.*)$/;

/**
 * The loader made -I/-L style paths absolute; in the build image the project lives elsewhere,
 * so paths inside the project become relative to it again. Others (system folders) stay.
 */
export function relativeFlagPaths(root: string, flags: readonly string[]): string[] {
  const rel = (p: string): string => {
    const r = relative(root, p);
    if (!isAbsolute(p) || r.startsWith('..') || isAbsolute(r)) return p;
    return r === '' ? '.' : r;
  };
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    const m = PATH_FLAG.exec(f);
    const next = flags[i + 1];
    if (m === null) out.push(f);
    else if (m[2] !== '') out.push(`${m[1]}${rel(m[2] as string)}`);
    else if (next !== undefined) {
      out.push(f, rel(next));
      i++;
    } else out.push(f);
  }
  return out;
}

/**
 * The export model of a loaded config. The build image holds the config's folder only, so a
 * path outside it is an error.
 */
export function exportModel(config: FuzzConfig): ExportProject {
  const { root } = config;
  const inside = (target: string, field: string, p: string): string => {
    const rel = relative(root, p);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new ExportConfigError(
        `${config.path}: target ${target}: ${field} ${p} is outside ${root}, so the build ` +
          'image would not have it',
      );
    }
    return rel === '' ? '.' : rel;
  };
  const positive = (v: number | undefined): number | undefined =>
    v !== undefined && v > 0 ? v : undefined;
  if (config.targets.length === 0) {
    throw new ExportConfigError(`${config.path}: no targets to export`);
  }
  const targets = config.targets.map((t): ExportTarget => {
    const at = (field: string, p: string): string => inside(t.name, field, p);
    const o = t.options;
    const maxLen = positive(o.max_len);
    const timeout = positive(o.timeout);
    const rssLimitMb = positive(o.rss_limit_mb);
    const target: ExportTarget = {
      name: t.name,
      harness: t.harness !== undefined ? at('harness', t.harness) : '',
      sources: t.sources.map((s) => at('source', s)),
      binary: at('binary', t.binary),
      corpus: at('corpus', t.corpus),
      sanitizers: [...t.sanitizers],
      cflags: relativeFlagPaths(root, t.cflags),
      ldflags: relativeFlagPaths(root, t.ldflags),
      options: {
        ...(maxLen !== undefined ? { maxLen } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        ...(rssLimitMb !== undefined ? { rssLimitMb } : {}),
      },
    };
    if (t.build !== undefined) {
      target.build = { command: [...t.build.command], cwd: at('build.cwd', t.build.cwd) };
    } else if (target.harness === '') {
      throw new ExportConfigError(`${config.path}: target ${t.name} has no harness and no build`);
    }
    if (t.dictionary !== undefined) target.dictionary = at('dictionary', t.dictionary);
    return target;
  });
  return { name: projectName(root), root, targets };
}

/** Loads fuzzwb.json with the shared loader; any error in it stops the export. */
export function readExportModel(configPath: string): ExportProject {
  const loaded = loadFuzzConfig(configPath);
  const errors = hardErrors(loaded.errors);
  if (loaded.config === undefined || errors.length > 0) {
    throw new ExportConfigError(formatConfigErrors(configPath, errors));
  }
  return exportModel(loaded.config);
}
