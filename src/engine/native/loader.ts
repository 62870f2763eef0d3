// Finds and loads the native addon (out/native/fuzzwb.node), naming every path tried on failure.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { NativeAddon } from './types';

const ADDON_FILE = 'fuzzwb.node';
/** How far up out/native/ is looked for: enough from out/test-build/src/engine/native/. */
const MAX_LEVELS_UP = 6;

/**
 * Paths to try, best first: FUZZWB_ADDON, then out/native/ next to or above `baseDir`.
 * The engine bundle is out/engine.js (so native/ beside it); tests compile to deeper folders.
 */
export function addonCandidates(
  baseDir: string = __dirname,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const candidates: string[] = [];
  const fromEnv = env.FUZZWB_ADDON;
  if (fromEnv) candidates.push(resolve(fromEnv));
  candidates.push(join(baseDir, 'native', ADDON_FILE));
  let dir = baseDir;
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    candidates.push(join(dir, 'out', 'native', ADDON_FILE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...new Set(candidates)];
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}

/** Loads one candidate; returns why it is unusable instead of throwing. */
function tryLoad(file: string): NativeAddon | string {
  if (!existsSync(file)) return 'not found';
  const mod = { exports: {} as Record<string, unknown> };
  try {
    // process.dlopen instead of require: a bundler leaves it alone and it needs no cache entry.
    process.dlopen(mod, file);
  } catch (err) {
    // dlopen's message starts with the path again; the caller already names it.
    const reason = firstLine(err);
    return reason.startsWith(`${file}: `) ? reason.slice(file.length + 2) : reason;
  }
  const { Executor, protocolVersion } = mod.exports;
  if (typeof Executor !== 'function' || typeof protocolVersion !== 'number') {
    return 'does not export Executor and protocolVersion (a stale or foreign build?)';
  }
  return mod.exports as unknown as NativeAddon;
}

const loaded = new Map<string, NativeAddon>();

/** The addon from the first candidate that loads; else one Error naming each path and why. */
export function loadAddon(candidates: string[] = addonCandidates()): NativeAddon {
  const failures: string[] = [];
  for (const file of candidates) {
    const known = loaded.get(file);
    if (known) return known;
    const result = tryLoad(file);
    if (typeof result !== 'string') {
      loaded.set(file, result);
      return result;
    }
    failures.push(`${file} (${result})`);
  }
  throw new Error(
    `cannot load the fuzzwb native addon (run npm run build:native): tried ${failures.join('; ')}`,
  );
}
