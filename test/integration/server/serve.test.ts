// `fuzzwb serve --stdio` as the extension sees it: JSON-RPC over stdio, fuzzing a real target.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  CoverageNotification,
  CoverageSnapshotRequest,
  FindingNotification,
  ListFindingsRequest,
  LogNotification,
  MinimizeRequest,
  PROTOCOL_VERSION,
  ReproduceRequest,
  SessionEndedNotification,
  StartRequest,
  StatusNotification,
  StopRequest,
  type CoverageParams,
  type FindingParams,
  type SessionEndedParams,
  type StatusParams,
} from '../../../src/protocol/messages';
import { buildFixtureTarget } from '../../helpers/build';
import { fixture, repoRoot } from '../../helpers/paths';

const source = fixture('server', 'shallow_bug_fuzz.c');
const lines = readFileSync(source, 'utf8').split('\n');
const bugLine = lines.findIndex((l) => l.includes('BUG(planted)')) + 1;
/** Reached by inputs that do not crash, so its coverage counts. */
const firstStepLine = lines.findIndex((l) => l.includes("data[1] == 'U'")) + 1;

interface Engine {
  child: ChildProcessWithoutNullStreams;
  rpc: ProtocolConnection;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startEngine(): Engine {
  const child = spawn(process.execPath, [join(repoRoot, 'out', 'engine.js'), 'serve', '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (err += s));
  const rpc = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  rpc.listen();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, rpc, stderr: () => err, exited };
}

function initialize(e: Engine, protocolVersion: number, workspaceRoot: string) {
  return e.rpc.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { protocolVersion, workspaceRoot },
  });
}

/** Resolves with the first notification `check` accepts; rejects after `ms`. */
function waitFor<T>(what: string, ms: number, register: (accept: (v: T) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

let binary = '';
before(() => {
  binary = buildFixtureTarget(['../server/shallow_bug_fuzz.c']);
});

const engines: Engine[] = [];
after(() => {
  for (const e of engines) e.child.kill('SIGKILL');
});

test('refuses a client of another protocol version', async () => {
  const e = startEngine();
  engines.push(e);
  await assert.rejects(initialize(e, PROTOCOL_VERSION + 1, repoRoot), /protocol/);
});

test(
  'fuzzes a real target: status, coverage and a finding arrive as notifications; stop ends it',
  { timeout: 120_000 },
  async () => {
    const e = startEngine();
    engines.push(e);
    const work = mkdtempSync(join(tmpdir(), 'fwb-serve-'));
    const init = await initialize(e, PROTOCOL_VERSION, work);
    assert.equal(init.serverInfo?.name, 'fuzzwb');
    const statuses: StatusParams[] = [];
    const logs: string[] = [];
    e.rpc.onNotification(StatusNotification, (s) => statuses.push(s));
    e.rpc.onNotification(LogNotification, (l) => logs.push(l.message));
    const coverage = waitFor<CoverageParams>('coverage', 60_000, (ok) =>
      e.rpc.onNotification(CoverageNotification, ok),
    );
    const finding = waitFor<FindingParams>('a finding', 90_000, (ok) =>
      e.rpc.onNotification(FindingNotification, (f) => f.isNew && ok(f)),
    );
    const ended = waitFor<SessionEndedParams>('the session end', 110_000, (ok) =>
      e.rpc.onNotification(SessionEndedNotification, ok),
    );
    const artifactPrefix = join(work, 'findings') + '/';
    const started = await e.rpc.sendRequest(StartRequest, {
      target: {
        name: 'shallow',
        binary,
        corpusDir: join(work, 'corpus'),
        artifactPrefix,
        sourceRoots: [fixture('server')],
      },
      options: {
        maxLen: 64,
        timeoutMs: 1000,
        rssLimitMb: 2048,
        mode: 'hybrid',
        persistent: 0,
        workers: 1,
        maxTotalTimeSec: 0,
        useCmp: true,
      },
    });
    assert.equal(started.knownFindings, 0);
    // A second start while one runs is the client's mistake, answered with a message.
    await assert.rejects(
      e.rpc.sendRequest(StartRequest, {
        target: { name: 'x', binary, corpusDir: work, artifactPrefix, sourceRoots: [] },
        options: {
          maxLen: 64,
          timeoutMs: 1000,
          rssLimitMb: 0,
          mode: 'fork',
          persistent: 0,
          workers: 1,
          maxTotalTimeSec: 0,
          useCmp: true,
        },
      }),
      /already running/,
    );

    const cov = await coverage;
    assert.equal(cov.sessionId, started.sessionId);
    const file = cov.delta.files.find((f) => f.file === source);
    assert.ok(file, `coverage of ${source}: ${cov.delta.files.map((f) => f.file).join()}`);
    assert.ok(file.lines.length > 0);

    const f = await finding;
    assert.match(f.record.type, /^heap-buffer-overflow WRITE/);
    assert.equal(f.record.frames[0]?.file, source);
    assert.equal(f.record.frames[0]?.line, bugLine);
    assert.ok(f.record.artifact.startsWith(artifactPrefix));
    // Keep-going is always on in the IDE: the run goes on after the finding.
    assert.deepEqual(await e.rpc.sendRequest(StopRequest, {}), { stopped: true });
    const end = await ended;
    assert.equal(end.end, 'stopped');
    assert.ok(statuses.some((s) => s.tag === 'UNIQUE' && s.uniqueFindings === 1));
    assert.ok(statuses.some((s) => s.execs > 0 && s.cov > 0));
    assert.ok(
      logs.some((m) => /fork servers? up/.test(m)),
      logs.join('\n'),
    );

    // A client that (re)joins catches up: the findings on disk and the last coverage.
    // A smaller input for the same crash may have replaced the first one meanwhile: the
    // listing holds one finding for that crash state, at its current (smallest) input.
    const listed = await e.rpc.sendRequest(ListFindingsRequest, { artifactPrefix });
    assert.deepEqual(
      listed.findings.map((r) => [r.type, r.crashState]),
      [[f.record.type, f.record.crashState]],
    );
    const stored = listed.findings[0]!;
    assert.ok(stored.artifact.startsWith(artifactPrefix));
    assert.ok(stored.size <= f.record.size);
    const snap = await e.rpc.sendRequest(CoverageSnapshotRequest, { files: [source] });
    assert.equal(snap.files.length, 1);
    assert.ok(
      snap.files[0]?.lines.some((l) => l.line === firstStepLine && l.state !== 'uncovered'),
      JSON.stringify(snap.files[0]?.lines),
    );
    assert.ok((snap.totals?.linesHit ?? 0) > 0);

    const repro = await e.rpc.sendRequest(ReproduceRequest, {
      binary,
      input: stored.artifact,
      timeoutMs: 2000,
    });
    assert.equal(repro.kind, 'sanitizer');
    assert.match(repro.report, new RegExp(`shallow_bug_fuzz\\.c:${bugLine}:`));

    const small = await e.rpc.sendRequest(MinimizeRequest, {
      binary,
      input: stored.artifact,
      artifactPrefix,
      maxTotalTimeSec: 10,
    });
    assert.ok(small.path.startsWith(artifactPrefix));
    assert.equal(readFileSync(small.path).length, small.size);
    assert.ok(small.size <= small.originalSize);
    assert.ok(small.size >= 3, 'the crash needs at least its three-byte prefix');
    // An input that does not crash is refused with a message, not an engine error.
    const harmless = join(work, 'harmless');
    writeFileSync(harmless, 'no');
    await assert.rejects(
      e.rpc.sendRequest(MinimizeRequest, {
        binary,
        input: harmless,
        artifactPrefix,
        maxTotalTimeSec: 5,
      }),
      (err: Error) => /does not crash/.test(err.message) && !/engine error/.test(err.message),
    );

    await e.rpc.sendRequest(ShutdownRequest.type);
    await e.rpc.sendNotification(ExitNotification.type);
    assert.equal(await e.exited, 0, e.stderr());
  },
);
