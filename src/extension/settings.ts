// Typed reader of the fuzzwb.* settings that shape a build and a fuzzing run.
import * as vscode from 'vscode';
import type { FuzzRunOptions } from '../protocol/messages';
import { FUZZ_MODES, settingFlags } from '../protocol/options';

export interface FuzzSettings {
  sanitizers: string[];
  run: FuzzRunOptions;
}

/**
 * A whole number setting within its flag's range (the options table, which also wrote the
 * setting's declaration in package.json); anything else falls back to the declared default.
 */
function int(cfg: vscode.WorkspaceConfiguration, key: string): number {
  const row = settingFlags().find((f) => f.setting.key === key);
  if (row === undefined || row.kind !== 'int') throw new Error(`no int setting fuzzwb.${key}`);
  const fallback = Number(row.setting.default ?? row.default);
  const min = row.setting.min ?? row.min;
  const v = cfg.get<unknown>(key);
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= row.max ? v : fallback;
}

/** Read at each use: a changed setting applies to the next build or session without a reload. */
export function readSettings(scope?: vscode.Uri): FuzzSettings {
  const cfg = vscode.workspace.getConfiguration('fuzzwb', scope);
  const sanitizers = cfg.get<unknown>('sanitizers');
  const mode = cfg.get<unknown>('mode');
  return {
    sanitizers: Array.isArray(sanitizers)
      ? sanitizers.filter((s): s is string => typeof s === 'string')
      : ['address', 'undefined'],
    run: {
      maxLen: int(cfg, 'maxLen'),
      timeoutMs: int(cfg, 'timeoutMs'),
      rssLimitMb: int(cfg, 'rssLimitMb'),
      mode: FUZZ_MODES.find((m) => m === mode) ?? 'hybrid',
      persistent: int(cfg, 'persistent'),
      workers: int(cfg, 'workers'),
      maxTotalTimeSec: int(cfg, 'maxTotalTimeSec'),
      useCmp: true,
    },
  };
}
