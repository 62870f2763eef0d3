// Imports found inputs and SARIF results into the findings store, deduplicated with our own findings.
import { resolve } from 'node:path';
import { loadFindings, writeFinding, writeFindingRecord, removeFinding } from '../fuzz/artifacts';
import type { FindingRecord } from '../fuzz/artifacts';
import { findSymbolizer } from '../exec/findTool';
import { runChecked } from '../fuzz/leakCheck';
import { parseSkipList } from '../triage/crashState';
import { FindingStore } from '../triage/findingStore';
import { LlvmSymbolizer, type Symbolizer } from '../triage/symbolizer';
import { Triager, type CrashRunner, type FindingSink } from '../triage/triager';
import type { PathResolver } from '../coverage/pathResolver';
import type { FoundInput } from './inputSources';
import type { FindingOrigin, ParsedSarif } from './sarifImport';

/** What became of one imported input or SARIF result. */
export interface ImportLine {
  from: string;
  tool: string;
  /** new / duplicate: in the store now; not-reproduced: ran without ending badly here. */
  status: 'new' | 'duplicate' | 'not-reproduced';
  /** How it ended here (inputs) or 'sarif'. */
  kind: string;
  /** How the other tool said it ended (inputs): crash, leak, timeout, oom, slow-unit. */
  expected?: string;
  type?: string;
  crashState?: string[];
  artifact?: string;
}

export interface ImportOptions {
  target: string;
  prefix: string;
  verifyRuns: number;
  skip: string;
  now?: () => Date;
}

/** Store, symbolizer and triager of one import run, resumed from the findings on disk. */
export class Importer {
  readonly store: FindingStore;
  readonly warnings: string[];
  private readonly triager: Triager;
  private readonly symbolizer: Symbolizer | undefined;
  /** The origin given to records the triager writes next (set per input). */
  private origin: FindingOrigin | undefined;
  private readonly now: () => Date;

  constructor(
    runner: CrashRunner,
    private readonly opts: ImportOptions,
  ) {
    const loaded = loadFindings(opts.prefix);
    this.warnings = loaded.warnings;
    this.store = new FindingStore(loaded.records);
    this.now = opts.now ?? (() => new Date());
    const tool = findSymbolizer();
    this.symbolizer = tool !== undefined ? new LlvmSymbolizer(tool) : undefined;
    if (tool === undefined)
      this.warnings.push('llvm-symbolizer not found: frames stay unsymbolized');
    // The record written is the store's own object, so the origin set here stays with it.
    const sink: FindingSink = {
      write: (input, record) => {
        if (this.origin !== undefined) Object.assign(record, { origin: this.origin });
        // A SARIF finding had no input to reproduce with; now it has one.
        if (record.reproduce.length < 2) {
          record.reproduce = [resolve(opts.target), resolve(record.artifact)];
        }
        writeFinding(opts.prefix, input, record);
        return true;
      },
      update: (record) => writeFindingRecord(opts.prefix, record),
      remove: (artifact) => removeFinding(opts.prefix, artifact),
    };
    this.triager = new Triager(runner, this.store, {
      target: opts.target,
      prefix: opts.prefix,
      verifyRuns: opts.verifyRuns,
      skip: parseSkipList(opts.skip),
      sink,
      now: this.now,
      ...(this.symbolizer !== undefined ? { symbolizer: this.symbolizer } : {}),
    });
  }

  /** Re-runs one input here; a bad end goes through triage like one of our own. */
  async importInput(input: FoundInput, runner: CrashRunner): Promise<ImportLine> {
    const base = { from: input.path, tool: input.tool, expected: input.expected };
    const result = await runChecked(runner, input.data);
    if (result.kind === 'ok') return { ...base, status: 'not-reproduced', kind: 'ok' };
    this.origin = { kind: 'imported input', tool: input.tool, from: input.path };
    try {
      const outcome = await this.triager.handle(input.data, result);
      return {
        ...base,
        status: outcome.status,
        kind: result.kind,
        type: outcome.record.type,
        crashState: outcome.record.crashState,
        artifact: outcome.record.artifact,
      };
    } finally {
      this.origin = undefined;
    }
  }

  /**
   * Adds SARIF findings; one already in the store (same type and crash state) counts a hit.
   * Their file names were seen where the other tool built (`/src/<project>/...` in
   * ClusterFuzzLite's image); `paths` maps them to the workspace's files where it can.
   */
  importSarif(parsed: ParsedSarif, paths?: PathResolver): ImportLine[] {
    return parsed.findings.map(({ record, evidence }) => {
      if (paths !== undefined) {
        for (const f of record.frames) {
          if (f.file === undefined) continue;
          const r = paths.resolve(f.file);
          if (r.resolved) f.file = r.path;
        }
      }
      const key = [record.type, ...record.crashState].join('\n');
      const line = (status: ImportLine['status'], r: FindingRecord): ImportLine => ({
        from: record.origin.from,
        tool: record.origin.tool,
        status,
        kind: 'sarif',
        type: r.type,
        crashState: r.crashState,
        artifact: r.artifact,
      });
      if (this.store.get(key) !== undefined) {
        const hit = this.store.hit(key, this.now().toISOString());
        writeFindingRecord(this.opts.prefix, hit);
        return line('duplicate', hit);
      }
      this.store.add(record);
      writeFinding(this.opts.prefix, evidence, record);
      return line('new', record);
    });
  }

  async close(): Promise<void> {
    await this.symbolizer?.close();
  }
}
