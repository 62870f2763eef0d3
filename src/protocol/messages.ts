// Every message between the extension host and the engine process (JSON-RPC over stdio).
//
// The extension talks through vscode-languageclient, the engine answers through
// vscode-languageserver; both import the typed message objects below, so a renamed field or
// method fails to compile on both sides. Data types the engine already defines are imported as
// types only: nothing of the engine is bundled into the extension.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { DeltaLine } from '../engine/coverage/deltaFeed';
import type { CoverageTotals, LineState } from '../engine/coverage/model';
import type { FindingRecord } from '../engine/fuzz/artifacts';

export type { DeltaLine, CoverageTotals, LineState, FindingRecord };

/** Bumped when a message changes shape; the engine refuses a client of another version. */
export const PROTOCOL_VERSION = 1;

/** Sent as initializationOptions of the LSP initialize request. */
export interface EngineInitOptions {
  protocolVersion: number;
  /** Workspace folder the engine resolves relative paths against. */
  workspaceRoot: string;
}

// ---- fuzzing sessions --------------------------------------------------------------------------

export interface FuzzTargetSpec {
  /** Display name (the config entry's name, or the harness file's base name). */
  name: string;
  /** The built harness binary. */
  binary: string;
  /** New inputs go here; read as seeds too. */
  corpusDir: string;
  /** Extra seed directories, read only. */
  seedDirs?: string[];
  /** Findings go to `<artifactPrefix>crash-<sha1>` (+ `.json`). */
  artifactPrefix: string;
  dictionary?: string;
  /** Roots that coverage paths are resolved against (the workspace folders). */
  sourceRoots: string[];
}

export interface FuzzRunOptions {
  maxLen: number;
  timeoutMs: number;
  rssLimitMb: number;
  mode: 'hybrid' | 'fork' | 'persistent';
  /** Inputs per persistent child (0 = the engine's default). */
  persistent: number;
  workers: number;
  /** 0 = until stopped. */
  maxTotalTimeSec: number;
  useCmp: boolean;
}

export interface StartParams {
  target: FuzzTargetSpec;
  options: FuzzRunOptions;
}

export interface StartResult {
  sessionId: number;
  /** Findings already on disk under the artifact prefix (resumed). */
  knownFindings: number;
}

export const StartRequest = new RequestType<StartParams, StartResult, void>('fuzzwb/start');

export interface StopResult {
  /** False when nothing was running. */
  stopped: boolean;
}

export const StopRequest = new RequestType<Record<string, never>, StopResult, void>('fuzzwb/stop');

export type StatusTag = 'NEW' | 'REDUCE' | 'pulse' | 'UNIQUE' | 'CRASH' | 'DONE';

export interface StatusParams {
  sessionId: number;
  tag: StatusTag;
  execs: number;
  execsPerSec: number;
  /** Edge counters ever hit. */
  cov: number;
  corpus: number;
  uniqueFindings: number;
  elapsedMs: number;
}

/** At most a few a second (pulses are rate-limited by the engine). */
export const StatusNotification = new NotificationType<StatusParams>('fuzzwb/status');

export interface CoverageParams {
  sessionId: number;
  delta: DeltaLine;
}

/** Changed lines only; the first one of a session holds every instrumented line. */
export const CoverageNotification = new NotificationType<CoverageParams>('fuzzwb/coverage');

export interface FindingParams {
  /** IMPORT_SESSION_ID for findings an import brought in. */
  sessionId: number;
  record: FindingRecord;
  /** False when a known crash state got a smaller input (or, from an import, more hits). */
  isNew: boolean;
  /** The target's name, set by imports; a session's findings are its target's. */
  target?: string;
}

export const FindingNotification = new NotificationType<FindingParams>('fuzzwb/finding');

export interface SessionEndedParams {
  sessionId: number;
  end: 'finding' | 'time' | 'runs' | 'stopped' | 'error';
  /** Set when end is 'error': one line the user can act on. */
  error?: string;
}

export const SessionEndedNotification = new NotificationType<SessionEndedParams>(
  'fuzzwb/sessionEnded',
);

export interface LogParams {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Engine log lines for the Output channel (stdout is the JSON-RPC channel). */
export const LogNotification = new NotificationType<LogParams>('fuzzwb/log');

// ---- coverage and findings on demand (a restarted extension or engine catches up) --------------

export interface CoverageSnapshotParams {
  /** Files to return; all files when absent. */
  files?: string[];
}

export interface FileLines {
  file: string;
  lines: { line: number; state: LineState }[];
  /** Instrumented lines and lines hit: the explorer's per-file percentage. */
  linesTotal: number;
  linesHit: number;
  functionsTotal: number;
  functionsHit: number;
}

export interface CoverageSnapshotResult {
  files: FileLines[];
  totals: CoverageTotals | undefined;
}

export const CoverageSnapshotRequest = new RequestType<
  CoverageSnapshotParams,
  CoverageSnapshotResult,
  void
>('fuzzwb/coverageSnapshot');

export interface ListFindingsParams {
  artifactPrefix: string;
}

export interface ListFindingsResult {
  findings: FindingRecord[];
  /** Unreadable or malformed finding files, skipped. */
  warnings: string[];
}

export const ListFindingsRequest = new RequestType<ListFindingsParams, ListFindingsResult, void>(
  'fuzzwb/listFindings',
);

// ---- one-off actions on a finding ---------------------------------------------------------------

export interface ReproduceParams {
  binary: string;
  input: string;
  timeoutMs: number;
}

export interface ReproduceResult {
  /** How the run ended: ok, crash, sanitizer, timeout, oom, exit. */
  kind: string;
  /** The symbolized report (or the run's output when it did not crash). */
  report: string;
}

export const ReproduceRequest = new RequestType<ReproduceParams, ReproduceResult, void>(
  'fuzzwb/reproduce',
);

export interface MinimizeParams {
  binary: string;
  input: string;
  artifactPrefix: string;
  maxTotalTimeSec: number;
}

export interface MinimizeResult {
  /** The smallest input that keeps the crash state. */
  path: string;
  size: number;
  originalSize: number;
}

export const MinimizeRequest = new RequestType<MinimizeParams, MinimizeResult, void>(
  'fuzzwb/minimize',
);

// ---- importing other fuzzers' findings ---------------------------------------------------------

/** The sessionId of FindingNotifications an import sends: sessions are numbered from 1. */
export const IMPORT_SESSION_ID = 0;

export interface ImportParams {
  /** The target the inputs are re-run with; its artifactPrefix is the findings store. */
  target: FuzzTargetSpec;
  /** AFL++ output, libFuzzer or ClusterFuzzLite artifact folders or zips, SARIF logs. */
  paths: string[];
  /** Per input; the engine's default when absent. */
  timeoutMs?: number;
  rssLimitMb?: number;
}

export interface ImportSkipped {
  /** The input (a file, or `archive.zip:entry`). */
  path: string;
  reason: string;
}

export interface ImportResult {
  /** Inputs re-run on the target (SARIF results are not run). */
  inputsRun: number;
  sarifResults: number;
  /** Findings the store did not have. */
  newFindings: number;
  /** Findings the store had that got more hits. */
  knownFindings: number;
  /** Inputs and results that were another hit of a finding. */
  duplicates: number;
  /** Inputs of another target, and inputs that ran without a crash here. */
  skipped: ImportSkipped[];
  /** Findings in the store now. */
  totalFindings: number;
  /** Problems that did not stop the import (unreadable finding files, no symbolizer). */
  errors: string[];
}

/**
 * Re-runs the inputs on the target and triages them into its findings store; the findings it
 * touched come as FindingNotifications, as a session's do. A bad path fails the whole request
 * before anything is written.
 */
export const ImportRequest = new RequestType<ImportParams, ImportResult, void>('fuzzwb/import');

// ---- workspace: targets, builds, harnesses ------------------------------------------------------

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface WorkspaceTarget {
  name: string;
  /** 'config' = an entry of fuzzwb.json; 'harness' = a source file defining the entry point. */
  origin: 'config' | 'harness';
  harness: string;
  binary: string;
  corpusDir: string;
  artifactPrefix: string;
  dictionary?: string;
  /** The config entry's "options": they take precedence over the IDE's settings. */
  options?: Partial<FuzzRunOptions>;
}

export interface ListTargetsParams {
  workspaceRoot: string;
}

export interface ListTargetsResult {
  targets: WorkspaceTarget[];
  problems: ConfigProblem[];
}

export const ListTargetsRequest = new RequestType<ListTargetsParams, ListTargetsResult, void>(
  'fuzzwb/listTargets',
);

export interface BuildParams {
  workspaceRoot: string;
  target: string;
  sanitizers: string[];
}

export interface CompilerDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

export interface BuildResult {
  ok: boolean;
  binary: string;
  diagnostics: CompilerDiagnostic[];
  /** One line for the user when the build failed without compiler diagnostics. */
  error?: string;
}

export const BuildRequest = new RequestType<BuildParams, BuildResult, void>('fuzzwb/build');

/** Build output as it comes, for the Output channel. */
export const BuildOutputNotification = new NotificationType<{ text: string }>('fuzzwb/buildOutput');

export interface CreateHarnessParams {
  workspaceRoot: string;
  sourceFile: string;
  /** The function to fuzz, or the line it is at. */
  functionName?: string;
  line?: number;
  template: 'bytes' | 'struct' | 'device';
}

export interface CreateHarnessResult {
  harnessFile: string;
  targetName: string;
}

export const CreateHarnessRequest = new RequestType<CreateHarnessParams, CreateHarnessResult, void>(
  'fuzzwb/createHarness',
);
