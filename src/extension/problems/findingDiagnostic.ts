// Maps a finding to what Problems shows: where (the first user frame), what, and every frame (pure).
import { createHash } from 'node:crypto';
import type { FindingRecord } from '../../protocol/messages';
import { findingKey } from '../state/workbenchState';

type FrameRecord = FindingRecord['frames'][number];

/** A place in a file, 1-based as debug info gives it. */
export interface SourceSpot {
  file: string;
  line: number;
  column: number;
}

export interface RelatedSpot extends SourceSpot {
  message: string;
}

export interface DiagnosticSpec extends SourceSpot {
  message: string;
  /** Short hash of the crash state: stable across runs, so a finding keeps its code. */
  code: string;
  related: RelatedSpot[];
  artifact: string;
}

/** Where our runtime's own sources sit; its frames (fork server, spare child) below the harness. */
const RUNTIME_PATH = '/native/runtime/';

/** Code the user did not write, whatever the workspace layout. */
const SYSTEM_PATHS = [
  '/compiler-rt/',
  '/sanitizer_common/',
  '/libsanitizer/',
  '/usr/include/',
  '/usr/lib/',
  '/lib/x86_64-linux-gnu/',
  '/glibc',
  '/libstdc++',
  '/libcxx/',
  RUNTIME_PATH,
];

/** Functions of the sanitizer and libc runtimes, which may carry a path under a workspace. */
const SYSTEM_FUNCS =
  /^(?:_*(?:asan|ubsan|msan|lsan|sanitizer|interceptor)_|__interceptor_|fwb_|fuzzwb_)/;

function isInside(file: string, root: string): boolean {
  const dir = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(dir);
}

/**
 * A frame in the user's code: its file is inside a workspace folder, and neither it nor its
 * function belongs to a sanitizer, libc or our runtime (a repository may vendor compiler-rt).
 */
export function isUserFrame(frame: FrameRecord, roots: readonly string[]): boolean {
  const file = frame.file;
  if (file === undefined || !roots.some((r) => isInside(file, r))) return false;
  return isOwnCode(frame);
}

/** A frame with a line that is not sanitizer, libc or runtime code, wherever its file is. */
function isOwnCode(frame: FrameRecord): boolean {
  const file = frame.file;
  if (file === undefined || frame.line === undefined) return false;
  if (SYSTEM_FUNCS.test(frame.function)) return false;
  return !SYSTEM_PATHS.some((p) => file.includes(p));
}

/** The finding's crash-state key, hashed to 8 hex digits for the diagnostic's code. */
export function findingCode(record: Pick<FindingRecord, 'type' | 'crashState'>): string {
  return createHash('sha1').update(findingKey(record)).digest('hex').slice(0, 8);
}

function spotOf(frame: FrameRecord): SourceSpot | undefined {
  if (frame.file === undefined || frame.line === undefined || frame.line < 1) return undefined;
  return { file: frame.file, line: frame.line, column: Math.max(1, frame.column ?? 1) };
}

/** `heap-use-after-free READ of size 4: AddressSanitizer: …` without saying READ twice. */
export function findingMessage(record: FindingRecord): string {
  let head = record.type;
  if (record.access !== undefined && !head.includes(record.access.op))
    head += ` ${record.access.op}`;
  if (record.access?.size !== undefined) head += ` of size ${record.access.size}`;
  const summary = record.summary ?? record.headline;
  return summary !== undefined ? `${head}: ${readableSummary(summary)}` : head;
}

/**
 * Targets run unsymbolized while fuzzing, so a SUMMARY names `(binary+0xOFFSET)` and the build
 * id where a source line would be; the diagnostic already sits at that line, so both go.
 */
export function readableSummary(summary: string): string {
  return summary
    .replace(/\s*\(\S+\+0x[0-9a-fA-F]+\)/g, '')
    .replace(/\s*\(BuildId: [0-9a-fA-F]+\)/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/**
 * Related entries of one stack: `#N func`, or `<title>: #N func` for allocation and free stacks.
 * The frames of our runtime that call the harness (fork server, spares) are the same in every
 * finding and say nothing about the bug, so they are left out.
 */
function relatedOf(frames: readonly FrameRecord[], title?: string): RelatedSpot[] {
  const out: RelatedSpot[] = [];
  frames.forEach((frame, i) => {
    const spot = spotOf(frame);
    if (spot === undefined || spot.file.includes(RUNTIME_PATH)) return;
    const label = `#${i} ${frame.function}`;
    out.push({ ...spot, message: title !== undefined ? `${title}: ${label}` : label });
  });
  return out;
}

/**
 * The diagnostic of a finding: at its first frame in the user's code; else (the code was built
 * outside the workspace) at its first frame that is not system code; else at its first frame with
 * a source line (better a libc line than nothing); undefined when no frame has one (a timeout
 * without a stack), which the findings tree still shows.
 */
export function findingToDiagnostic(
  record: FindingRecord,
  roots: readonly string[],
): DiagnosticSpec | undefined {
  const frame =
    record.frames.find((f) => isUserFrame(f, roots)) ??
    record.frames.find(isOwnCode) ??
    record.frames.find((f) => spotOf(f) !== undefined);
  const spot = frame !== undefined ? spotOf(frame) : undefined;
  if (spot === undefined) return undefined;
  const related = [
    ...relatedOf(record.frames),
    ...record.stacks.flatMap((s) => relatedOf(s.frames, stackTitle(s.title))),
  ];
  return {
    ...spot,
    message: findingMessage(record),
    code: findingCode(record),
    related,
    artifact: record.artifact,
  };
}

/** ASan's `freed by thread T0 here:` reads better without its trailing `here` and colon. */
function stackTitle(title: string): string {
  return title.replace(/:\s*$/, '').replace(/\s+here$/, '');
}
