// Reads fuzzwb.json into what an export needs: targets with paths relative to the project root.
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';

/** One fuzz target as the generated build script sees it: every path relative to the root. */
export interface ExportTarget {
  name: string;
  /** The harness source (defines LLVMFuzzerTestOneInput); '' for a target with its own build. */
  harness: string;
  sources: string[];
  /** The user's own build (argv array) and the folder it runs in. */
  build?: { command: string[]; cwd: string };
  /** What the user's own build produces. */
  binary?: string;
  corpus?: string;
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

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An OSS-Fuzz project name: lower case letters, digits, dashes. */
export function projectName(root: string): string {
  const name = basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'project' : name;
}

/**
 * The export model of a parsed fuzzwb.json at `configPath`. Paths in the config are relative to
 * its folder; a path outside that folder cannot be in the build image, so it is an error.
 */
export function exportModel(raw: unknown, configPath: string): ExportProject {
  const root = dirname(resolve(configPath));
  const fail = (where: string, what: string): never => {
    throw new ExportConfigError(`${configPath}: ${where}: ${what}`);
  };
  if (!isObject(raw) || !Array.isArray(raw.targets) || raw.targets.length === 0) {
    return fail('/targets', 'expected a non-empty array of targets');
  }
  const inside = (where: string, p: unknown): string => {
    if (typeof p !== 'string' || p === '') return fail(where, 'expected a path');
    const rel = relative(root, resolve(root, p));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      return fail(where, `${p} is outside ${root}, so the build image would not have it`);
    }
    return rel === '' ? '.' : rel;
  };
  const strings = (where: string, v: unknown): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
      return fail(where, 'expected an array of strings');
    }
    return v;
  };
  const num = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : undefined);
  const seen = new Set<string>();
  const targets = (raw.targets as unknown[]).map((t, i): ExportTarget => {
    const at = `/targets/${i}`;
    if (!isObject(t)) return fail(at, 'expected an object');
    if (typeof t.name !== 'string' || !NAME_RE.test(t.name)) {
      return fail(`${at}/name`, 'expected a name of letters, digits, _ . -');
    }
    if (seen.has(t.name)) return fail(`${at}/name`, `a second target named ${t.name}`);
    seen.add(t.name);
    const opts = isObject(t.options) ? t.options : {};
    const target: ExportTarget = {
      name: t.name,
      harness: t.harness === undefined ? '' : inside(`${at}/harness`, t.harness),
      sources: strings(`${at}/sources`, t.sources).map((s, j) => inside(`${at}/sources/${j}`, s)),
      sanitizers:
        t.sanitizers === undefined
          ? ['address', 'undefined']
          : strings(`${at}/sanitizers`, t.sanitizers),
      cflags: strings(`${at}/cflags`, t.cflags),
      ldflags: strings(`${at}/ldflags`, t.ldflags),
      options: {
        ...(num(opts.max_len) !== undefined ? { maxLen: num(opts.max_len) } : {}),
        ...(num(opts.timeout) !== undefined ? { timeout: num(opts.timeout) } : {}),
        ...(num(opts.rss_limit_mb) !== undefined ? { rssLimitMb: num(opts.rss_limit_mb) } : {}),
      },
    };
    if (t.build !== undefined) {
      if (!isObject(t.build)) return fail(`${at}/build`, 'expected an object');
      const command = strings(`${at}/build/command`, t.build.command);
      if (command.length === 0) return fail(`${at}/build/command`, 'expected an argv array');
      const cwd = t.build.cwd === undefined ? '.' : inside(`${at}/build/cwd`, t.build.cwd);
      target.build = { command, cwd };
      if (t.binary === undefined) {
        return fail(`${at}/binary`, 'a target with its own build must name the binary it makes');
      }
    } else if (target.harness === '') {
      return fail(`${at}/harness`, 'expected a harness (or a build command)');
    }
    if (t.binary !== undefined) target.binary = inside(`${at}/binary`, t.binary);
    if (t.corpus !== undefined) target.corpus = inside(`${at}/corpus`, t.corpus);
    else target.corpus = `.fuzzwb/corpus/${t.name}`;
    if (t.dictionary !== undefined) target.dictionary = inside(`${at}/dictionary`, t.dictionary);
    return target;
  });
  return { name: projectName(root), root, targets };
}

/** Reads and models fuzzwb.json; unreadable or malformed files are clear errors. */
export function readExportModel(configPath: string): ExportProject {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ExportConfigError(`cannot read ${configPath}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ExportConfigError(`${configPath} is not JSON: ${(err as Error).message}`);
  }
  return exportModel(raw, configPath);
}
