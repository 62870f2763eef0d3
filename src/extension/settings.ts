// Typed reader of the fuzzwb.* settings that shape a build and a fuzzing run.
import * as vscode from 'vscode';
import type { FuzzRunOptions } from '../protocol/messages';

export interface FuzzSettings {
  sanitizers: string[];
  run: FuzzRunOptions;
}

const MODES: readonly FuzzRunOptions['mode'][] = ['hybrid', 'fork', 'persistent'];

/** A whole number setting at least `min`; anything else falls back to the default. */
function int(cfg: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number) {
  const v = cfg.get<unknown>(key);
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
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
      maxLen: int(cfg, 'maxLen', 4096, 1),
      timeoutMs: int(cfg, 'timeoutMs', 1200, 10),
      rssLimitMb: int(cfg, 'rssLimitMb', 2048, 0),
      mode: MODES.find((m) => m === mode) ?? 'hybrid',
      persistent: int(cfg, 'persistent', 0, 0),
      workers: int(cfg, 'workers', 1, 1),
      maxTotalTimeSec: int(cfg, 'maxTotalTimeSec', 0, 0),
      useCmp: true,
    },
  };
}
