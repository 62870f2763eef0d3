// A config target as `fuzzwb fuzz` arguments, so the CLI, the server and exports run it alike.
import { join } from 'node:path';
import { configOptionFlags } from '../../protocol/options';
import { CONFIG_FILE_NAME, type FuzzTarget, type TargetOptions } from './types';

/**
 * `[binary, corpus, -flag=value...]` for `fuzzwb fuzz`: the target's options, its dictionary and
 * its artifact prefix. `extra` flags come last, so a caller's choice wins over the config's.
 */
export function fuzzArgsFor(target: FuzzTarget, extra: string[] = []): string[] {
  const flags: string[] = [];
  // Written in the options table's order; every option is the fuzz flag of the same name.
  for (const { name } of configOptionFlags()) {
    const v = target.options[name as keyof TargetOptions];
    if (v !== undefined) flags.push(`-${name}=${v}`);
  }
  if (target.dictionary !== undefined) flags.push(`-dict=${target.dictionary}`);
  flags.push(`-artifact_prefix=${target.artifacts}`);
  return [target.binary, target.corpus, ...flags, ...extra];
}

/** The config file in a workspace folder (the name is fixed: fuzzwb.json at the root). */
export function configPathIn(workspaceRoot: string): string {
  return join(workspaceRoot, CONFIG_FILE_NAME);
}
