// Timeouts and RSS-limit ends keep their kind and capture the stack of the hanging code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import { findSymbolizer } from '../../../src/engine/exec/findTool';
import type { ExecResult, NativeExecutor } from '../../../src/engine/native/types';
import { crashState } from '../../../src/engine/triage/crashState';
import {
  parseSanitizerReport,
  type SanitizerReport,
} from '../../../src/engine/triage/sanitizerReport';
import { symbolizeReport } from '../../../src/engine/triage/symbolizeReport';
import { LlvmSymbolizer } from '../../../src/engine/triage/symbolizer';
import { buildDir } from '../../helpers/build';
import { fixture, repoRoot } from '../../helpers/paths';

const source = fixture('triage', 'hang_fuzz.c');
const TIMEOUT_MS = 1000;
const RSS_LIMIT_MB = 150;
const OOM_TIMEOUT_MS = 20_000;
// Exit codes of a child that printed its stack (FWB_TIMEOUT_EXITCODE, FWB_OOM_EXITCODE).
const TIMEOUT_EXIT = 70;
const OOM_EXIT = 71;
// What the executor may add past the limit: the stack report's grace (kDumpReportUs) and slack.
const GRACE_US = 3_500_000;
const NO_UBSAN_SIGNALS =
  'handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0';

function tail(r: ExecResult): string {
  return `signal ${r.signal}, exit ${r.exitCode}, output:\n${r.output.toString('utf8').slice(-2000)}`;
}

function buildHang(sanitizers: string, cc: string): string {
  const out = join(buildDir(), `hang-${sanitizers}-${cc}`);
  const r = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', '-g', source, '-o', out], {
    env: { ...process.env, FUZZWB_SANITIZERS: sanitizers, FUZZWB_CC: cc },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

interface Config {
  name: string;
  sanitizers: string;
  /** The real compiler: clang builds carry a sanitizer's stack printer (UBSan's at least). */
  cc: 'clang-19' | 'gcc';
  persistent: number;
  /** false: the sanitizer prints module+offset frames and the engine symbolizes them. */
  symbolize: boolean;
}

const CONFIGS: Config[] = [
  {
    name: 'ASan, fork mode',
    sanitizers: 'address',
    cc: 'clang-19',
    persistent: 1,
    symbolize: true,
  },
  {
    name: 'ASan, persistent mode, unsymbolized',
    sanitizers: 'address',
    cc: 'clang-19',
    persistent: 8,
    symbolize: false,
  },
  {
    name: 'no sanitizer, fork mode, unsymbolized',
    sanitizers: 'none',
    cc: 'clang-19',
    persistent: 1,
    symbolize: false,
  },
  {
    // No sanitizer runtime at all: the runtime's backtrace_symbols frames.
    name: 'no sanitizer runtime (gcc), persistent mode',
    sanitizers: 'none',
    cc: 'gcc',
    persistent: 8,
    symbolize: false,
  },
];

for (const cfg of CONFIGS) {
  describe(`stacks of timeouts and OOMs: ${cfg.name}`, () => {
    let target: string;
    let exec: NativeExecutor;
    /** Same target, a long time limit: on a loaded machine hoarding 150 MB can take a second. */
    let oomExec: NativeExecutor;
    const symbolizer = new LlvmSymbolizer(findSymbolizer() ?? 'llvm-symbolizer-19');

    before(async () => {
      target = buildHang(cfg.sanitizers, cfg.cc);
      const baseEnv =
        cfg.sanitizers === 'none'
          ? { ...process.env, UBSAN_OPTIONS: NO_UBSAN_SIGNALS }
          : process.env;
      const options = {
        target,
        timeoutMs: TIMEOUT_MS,
        rssLimitMb: RSS_LIMIT_MB,
        persistent: cfg.persistent,
        outputLimit: 256 * 1024,
        symbolize: cfg.symbolize,
        baseEnv,
      };
      ({ executor: exec } = await startExecutor(options));
      ({ executor: oomExec } = await startExecutor({ ...options, timeoutMs: OOM_TIMEOUT_MS }));
    });
    after(async () => {
      await exec.stop();
      await oomExec.stop();
      await symbolizer.close();
    });

    /** The report in the captured output, symbolized as the triager does, with its crash state. */
    async function readReport(r: ExecResult): Promise<SanitizerReport> {
      const parsed = parseSanitizerReport(r.output);
      assert.ok(parsed !== undefined, `no report: ${tail(r)}`);
      assert.equal(parsed.tool, 'fuzzwb');
      assert.ok(parsed.frames.length >= 3, `frames of ${tail(r)}`);
      return symbolizeReport(parsed, symbolizer);
    }

    async function expectOkAfter(on: NativeExecutor = exec): Promise<void> {
      const r = await on.run(Buffer.from('ok'));
      assert.equal(r.kind, 'ok', `the executor keeps going: ${r.output.toString().slice(-300)}`);
    }

    test('a hang is a timeout whose stack names the hanging function', async () => {
      if (cfg.persistent > 1) await expectOkAfter(); // the hang is not the child's first input
      const r = await exec.run(Buffer.from('Hang'));
      assert.equal(r.kind, 'timeout', tail(r));
      assert.equal(r.exitCode, TIMEOUT_EXIT, `ended by its own report, not SIGKILL: ${tail(r)}`);
      assert.ok(
        r.durationUs >= TIMEOUT_MS * 1000 && r.durationUs < TIMEOUT_MS * 1000 + GRACE_US,
        `took ${r.durationUs} us: ${tail(r)}`,
      );
      const report = await readReport(r);
      assert.equal(report.kind, 'timeout');
      assert.match(report.headline, new RegExp(`^fuzzwb: timeout \\(after ${TIMEOUT_MS} ms\\)$`));
      assert.equal(report.summary, 'timeout');
      const state = crashState(report, r);
      assert.equal(state.type, 'timeout');
      assert.equal(state.state[0], 'parse_forever', JSON.stringify(report.frames));
      assert.equal(state.frames[0]?.file, source);
      await expectOkAfter();
    });

    test('past the RSS limit is oom, with the allocating function in the stack', async () => {
      const r = await oomExec.run(Buffer.from('Memory'));
      assert.equal(r.kind, 'oom', tail(r));
      assert.equal(r.exitCode, OOM_EXIT, `ended by its own report, not SIGKILL: ${tail(r)}`);
      const report = await readReport(r);
      assert.equal(report.kind, 'out-of-memory');
      const rss = /^fuzzwb: out-of-memory \(rss (\d+) MB > limit (\d+) MB\)$/.exec(report.headline);
      assert.ok(rss !== null, report.headline);
      assert.ok(Number(rss[1]) > RSS_LIMIT_MB && Number(rss[2]) === RSS_LIMIT_MB, report.headline);
      const state = crashState(report, r);
      assert.equal(state.type, 'out-of-memory');
      assert.ok(
        report.frames.some((f) => f.func === 'hoard_memory' && f.file === source),
        JSON.stringify(report.frames),
      );
      await expectOkAfter(oomExec);
    });
  });
}
