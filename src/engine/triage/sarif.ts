// Builds a SARIF 2.1.0 log of findings: one result per crash state, frames as stacks and code flows.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FindingRecord, FrameRecord } from '../fuzz/artifacts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Json = Record<string, unknown>;

function uriOf(file: string): string {
  return isAbsolute(file)
    ? pathToFileURL(file).href
    : file.split('/').map(encodeURIComponent).join('/');
}

/** A SARIF location for a frame; frames without a source file keep their module and function. */
function location(frame: FrameRecord): Json {
  const loc: Json = {};
  if (frame.file !== undefined) {
    const region: Json = {};
    if (frame.line !== undefined && frame.line > 0) region.startLine = frame.line;
    if (frame.column !== undefined && frame.column > 0) region.startColumn = frame.column;
    const physical: Json = { artifactLocation: { uri: uriOf(frame.file) } };
    if (Object.keys(region).length > 0) physical.region = region;
    loc.physicalLocation = physical;
  }
  loc.logicalLocations = [{ name: frame.function, kind: 'function' }];
  return loc;
}

function stackFrame(frame: FrameRecord): Json {
  const f: Json = { location: location(frame) };
  if (frame.module !== undefined) f.module = frame.module;
  return f;
}

/** The rule id of a type: `heap-buffer-overflow READ` -> `heap-buffer-overflow`. */
function ruleId(type: string): string {
  return type.split(' ')[0] ?? type;
}

function message(r: FindingRecord): string {
  const where = r.crashState.length > 0 ? ` in ${r.crashState.join(' / ')}` : '';
  const access =
    r.access !== undefined
      ? ` (${r.access.op}${r.access.size !== undefined ? ` of size ${r.access.size}` : ''})`
      : '';
  return `${r.type}${access}${where}; ${r.hitCount} hit(s), ${r.verification.status}; reproduce: ${r.reproduce.join(' ')}`;
}

function result(r: FindingRecord, ruleIndex: number): Json {
  const top =
    r.frames.find(
      (f) =>
        f.file !== undefined &&
        r.crashState[0] === f.function.replace(/\(.*\)(?:\s+const)?$/, '').trim(),
    ) ?? r.frames.find((f) => f.file !== undefined);
  const res: Json = {
    ruleId: ruleId(r.type),
    ruleIndex,
    level: r.verification.status === 'flaky' ? 'warning' : 'error',
    message: { text: message(r) },
    partialFingerprints: { 'crashState/v1': [r.type, ...r.crashState].join('|') },
    properties: {
      type: r.type,
      crashState: r.crashState,
      hitCount: r.hitCount,
      verification: r.verification,
      firstSeen: r.firstSeen,
      artifact: r.artifact,
      reproduce: r.reproduce,
      ...(r.address !== undefined ? { address: r.address } : {}),
    },
  };
  if (top !== undefined) res.locations = [location(top)];
  const stacks: Json[] = [];
  if (r.frames.length > 0) {
    stacks.push({ message: { text: 'crash stack' }, frames: r.frames.map(stackFrame) });
  }
  for (const s of r.stacks) {
    if (s.frames.length > 0)
      stacks.push({ message: { text: s.title || 'stack' }, frames: s.frames.map(stackFrame) });
  }
  if (stacks.length > 0) res.stacks = stacks;
  // A code flow reads from the outermost caller down to the crash.
  const flow = r.frames.filter((f) => f.file !== undefined).reverse();
  if (flow.length > 0) {
    res.codeFlows = [
      {
        threadFlows: [
          {
            locations: flow.map((f, i) => ({
              location: location(f),
              nestingLevel: i,
              executionOrder: i,
            })),
          },
        ],
      },
    ];
  }
  return res;
}

/** The SARIF log of `records` as a JSON-ready object. */
export function buildSarif(records: readonly FindingRecord[], toolVersion: string): Json {
  const rules: string[] = [];
  for (const r of records) if (!rules.includes(ruleId(r.type))) rules.push(ruleId(r.type));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'fuzzwb',
            version: toolVersion,
            rules: rules.map((id) => ({
              id,
              name: id,
              shortDescription: { text: `${id} found by fuzzing` },
            })),
          },
        },
        results: records.map((r) => result(r, rules.indexOf(ruleId(r.type)))),
      },
    ],
  };
}
