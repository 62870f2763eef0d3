// Turns SARIF results (no input to re-run) into findings of their own kind, in the store's format.
import { fileURLToPath } from 'node:url';
import { artifactPath, type FindingRecord, type FrameRecord } from '../fuzz/artifacts';
import type { StackFrame } from '../triage/reportFrames';
import { HARNESS_FUNCS, isUserFrame } from '../triage/userFrames';

/** Where an imported finding came from; kept in its JSON beside the usual fields. */
export interface FindingOrigin {
  kind: 'imported from SARIF' | 'imported input';
  /** The tool that found it: the SARIF driver (name and version), AFL++, libFuzzer... */
  tool: string;
  /** The SARIF log or input file it was imported from. */
  from: string;
  ruleId?: string;
  message?: string;
}

export type ImportedRecord = FindingRecord & { origin: FindingOrigin };

/** A SARIF log that cannot be imported; nothing of it was written. */
export class SarifImportError extends Error {
  override readonly name = 'SarifImportError';
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A file:// URI as a path; relative URIs stay relative (decoded). */
function uriPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/** A SARIF location as one of our frames; undefined when it names neither file nor function. */
function frameOf(location: unknown): FrameRecord | undefined {
  const loc = obj(location);
  if (loc === undefined) return undefined;
  const physical = obj(loc.physicalLocation);
  const logical = obj(arr(loc.logicalLocations)[0]);
  const uri = str(obj(physical?.artifactLocation)?.uri);
  const region = obj(physical?.region);
  const fn = str(logical?.fullyQualifiedName) ?? str(logical?.name);
  if (uri === undefined && fn === undefined) return undefined;
  const f: FrameRecord = { function: fn ?? '<unknown>' };
  if (uri !== undefined) f.file = uriPath(uri);
  if (typeof region?.startLine === 'number') f.line = region.startLine;
  if (typeof region?.startColumn === 'number') f.column = region.startColumn;
  return f;
}

function frames(list: unknown[]): FrameRecord[] {
  return list.map(frameOf).filter((f): f is FrameRecord => f !== undefined);
}

/**
 * The crash stack of a result, top first: its first stack, else its first thread flow (which
 * reads from the outermost caller to the crash), else related locations, else its locations.
 */
export function resultFrames(result: Json): FrameRecord[] {
  const stack = obj(arr(result.stacks)[0]);
  if (stack !== undefined) {
    const fs = frames(arr(stack.frames).map((f) => obj(f)?.location));
    if (fs.length > 0) return fs;
  }
  const flow = obj(arr(obj(arr(result.codeFlows)[0])?.threadFlows)[0]);
  if (flow !== undefined) {
    const fs = frames(arr(flow.locations).map((l) => obj(l)?.location)).reverse();
    if (fs.length > 0) return fs;
  }
  const related = frames(arr(result.relatedLocations));
  return related.length > 0 ? related : frames(arr(result.locations));
}

function ruleIdOf(result: Json, rules: unknown[]): string | undefined {
  const direct = str(result.ruleId) ?? str(obj(result.rule)?.id);
  if (direct !== undefined) return direct;
  const index = result.ruleIndex;
  return typeof index === 'number' ? str(obj(rules[index])?.id) : undefined;
}

/** The crash state of a foreign stack, chosen as ours is: the top three user frames, no glue. */
export function stateOf(stack: readonly FrameRecord[]): string[] {
  const asFrames: StackFrame[] = stack.map((f, index) => ({
    ...f,
    index,
    pc: '',
    func: f.function,
  }));
  const user = asFrames.filter((f) => isUserFrame(f));
  const noGlue = user.filter((f) => !HARNESS_FUNCS.some((re) => re.test(f.func)));
  const chosen = noGlue.length > 0 ? noGlue : user.length > 0 ? user : asFrames;
  return chosen.slice(0, 3).map((f) => f.func.replace(/\(.*\)(?:\s+const)?$/, '').trim());
}

export interface ParsedSarif {
  /** The driver of each run, `name version`. */
  tools: string[];
  /** One finding per result, with the evidence written as its artifact. */
  findings: { record: ImportedRecord; evidence: Buffer }[];
}

/**
 * The findings of a SARIF 2.1.0 log. A result of our own log keeps its type and crash state
 * (so it deduplicates with our findings); a foreign result is typed by its rule and keyed by
 * the functions of its top three frames.
 */
export function parseSarifLog(
  text: string,
  logPath: string,
  prefix: string,
  now: Date,
): ParsedSarif {
  const fail = (what: string): never => {
    throw new SarifImportError(`${logPath}: ${what}`);
  };
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON: ${(err as Error).message}`);
  }
  const root = obj(log);
  if (root === undefined || !Array.isArray(root.runs)) return fail('not a SARIF log (no "runs")');
  if (root.version !== '2.1.0') return fail(`SARIF version ${String(root.version)}, not 2.1.0`);
  const when = now.toISOString();
  const out: ParsedSarif = { tools: [], findings: [] };
  for (const [r, runValue] of root.runs.entries()) {
    const run = obj(runValue) ?? fail(`runs[${r}] is not an object`);
    const driver = obj(obj(run.tool)?.driver) ?? fail(`runs[${r}] has no tool.driver`);
    const tool = [str(driver.name) ?? 'unknown tool', str(driver.version)]
      .filter((s) => s !== undefined)
      .join(' ');
    out.tools.push(tool);
    if (run.results !== undefined && !Array.isArray(run.results)) {
      fail(`runs[${r}].results is not an array`);
    }
    for (const [i, value] of arr(run.results).entries()) {
      const result = obj(value) ?? fail(`runs[${r}].results[${i}] is not an object`);
      const props = obj(result.properties) ?? {};
      const ruleId = ruleIdOf(result, arr(driver.rules));
      const message = str(obj(result.message)?.text);
      const stack = resultFrames(result);
      const ownState = arr(props.crashState);
      const crashState =
        ownState.length > 0 && ownState.every((s) => typeof s === 'string')
          ? ownState
          : stateOf(stack);
      const type = str(props.type) ?? ruleId ?? 'unknown';
      const origin: FindingOrigin = {
        kind: 'imported from SARIF',
        tool,
        from: logPath,
        ...(ruleId !== undefined ? { ruleId } : {}),
        ...(message !== undefined ? { message } : {}),
      };
      // The artifact holds the result itself: there is no input to re-run.
      const evidence = Buffer.from(`${JSON.stringify({ tool, log: logPath, result }, null, 2)}\n`);
      const record: ImportedRecord = {
        artifact: artifactPath(prefix, 'crash', evidence),
        kind: 'crash',
        signal: 0,
        exitCode: 0,
        type,
        crashState,
        frames: stack,
        stacks: [],
        firstSeen: when,
        lastSeen: when,
        hitCount: 1,
        size: evidence.length,
        verification: { status: 'unverified', runs: 0, reproduced: 0 },
        reproduce: [],
        origin,
      };
      if (message !== undefined) record.headline = message;
      out.findings.push({ record, evidence });
    }
  }
  return out;
}
