// The exported build.sh builds examples/device as OSS-Fuzz would (libFuzzer, then AFL++'s driver).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

/** base-builder's flags for an ASan libFuzzer build. */
const OSS_FUZZ_CFLAGS =
  '-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address ' +
  '-fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link';

const SEEDS = fixture('triage', 'device-seeds');

/** $SRC/device-project: a copy of examples/device, its seeds, a dictionary and fuzzwb.json. */
function makeProject(config: unknown, extra: Record<string, string> = {}): string {
  const src = mkdtempSync(join(tmpdir(), 'fwb-cfl-src-'));
  const root = join(src, 'device-project');
  cpSync(join(repoRoot, 'examples', 'device'), join(root, 'examples', 'device'), {
    recursive: true,
  });
  cpSync(SEEDS, join(root, 'corpus', 'device'), { recursive: true });
  writeFileSync(join(root, 'examples', 'device', 'device.dict'), 'kw1="\\x01\\x00"\n');
  writeFileSync(join(root, 'fuzzwb.json'), JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(root, name), text);
  const run = spawnSync(fuzzwbBin, ['export', 'clusterfuzzlite', `-config=${root}/fuzzwb.json`], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  // As the Dockerfile does: build.sh is copied to $SRC and run from the project folder.
  copyFileSync(join(root, '.clusterfuzzlite', 'build.sh'), join(src, 'build.sh'));
  return src;
}

/** Runs $SRC/build.sh with OSS-Fuzz's variables; returns $OUT. */
function ossFuzzBuild(src: string, env: Record<string, string>): string {
  const out = mkdtempSync(join(tmpdir(), 'fwb-cfl-out-'));
  const work = mkdtempSync(join(tmpdir(), 'fwb-cfl-work-'));
  const run = spawnSync('bash', [join(src, 'build.sh')], {
    cwd: join(src, 'device-project'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      SRC: src,
      OUT: out,
      WORK: work,
      ARCHITECTURE: 'x86_64',
      ...env,
    },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `build.sh failed:\n${run.stdout}\n${run.stderr}`);
  return out;
}

/** base-builder's libFuzzer + ASan environment. */
function libFuzzerEnv(): Record<string, string> {
  return {
    CC: 'clang-19',
    CXX: 'clang++-19',
    CFLAGS: OSS_FUZZ_CFLAGS,
    // base-builder adds -stdlib=libc++ here; its libc++ is not installed on this machine.
    CXXFLAGS: OSS_FUZZ_CFLAGS,
    LIB_FUZZING_ENGINE: '-fsanitize=fuzzer',
    SANITIZER: 'address',
    FUZZING_ENGINE: 'libfuzzer',
  };
}

function run(binary: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 90_000 });
}

/** The seeds that do not crash; chained-dma reaches the planted use-after-free at once. */
const BENIGN = ['short-dma', 'loopback-irq'];

const deviceConfig = {
  targets: [
    {
      name: 'device',
      harness: 'examples/device/device_fuzz.c',
      sources: ['examples/device/device.c'],
      corpus: 'corpus/device',
      dictionary: 'examples/device/device.dict',
      // Made absolute by the config loader; build.sh must use it inside $SRC.
      cflags: ['-Iexamples/device', '-DFWB_EXPORT_TEST=1'],
      options: { max_len: 512, timeout: 5 },
    },
  ],
};

test(
  'build.sh with base-builder variables makes a libFuzzer binary that finds the planted bug',
  {
    timeout: 180_000,
  },
  () => {
    const src = makeProject(deviceConfig);
    const script = readFileSync(join(src, 'build.sh'), 'utf8');
    assert.ok(!script.includes(src), 'no path of the machine that exported it');
    assert.match(script, / -Iexamples\/device -DFWB_EXPORT_TEST=1 -c /);
    const out = ossFuzzBuild(src, libFuzzerEnv());
    assert.deepEqual(readdirSync(out).sort(), [
      'device',
      'device.dict',
      'device.options',
      'device_seed_corpus.zip',
    ]);
    assert.equal(
      readFileSync(join(out, 'device.options'), 'utf8'),
      '[libfuzzer]\nmax_len = 512\ntimeout = 5\n',
    );
    const listing = spawnSync('unzip', ['-Z1', join(out, 'device_seed_corpus.zip')], {
      encoding: 'utf8',
    });
    assert.deepEqual(listing.stdout.trim().split('\n').sort(), readdirSync(SEEDS).sort());

    // Like any libFuzzer binary: runs the given inputs and says so.
    const seeds = join(src, 'device-project', 'corpus', 'device');
    const benign = run(
      join(out, 'device'),
      BENIGN.map((n) => join(seeds, n)),
      out,
    );
    assert.equal(benign.status, 0, benign.stderr);
    assert.match(benign.stderr, /INFO: Running with entropic power schedule/);
    assert.equal((benign.stderr.match(/^Running: /gm) ?? []).length, 2);
    assert.match(benign.stderr, /Executed .*short-dma in \d+ ms/);

    // Fuzzing from the seeds (with the dictionary) stops at the planted bug with an artifact.
    const artifacts = join(out, 'artifacts');
    mkdirSync(artifacts);
    const fuzz = run(
      join(out, 'device'),
      [
        '-seed=7',
        '-max_total_time=60',
        `-dict=${join(out, 'device.dict')}`,
        `-artifact_prefix=${artifacts}/`,
        seeds,
      ],
      out,
    );
    assert.equal(fuzz.status, 1, fuzz.stderr.slice(-3000));
    assert.match(fuzz.stderr, /INFO: Seed: 7/);
    assert.match(fuzz.stderr, /ERROR: AddressSanitizer: heap-(?:use-after-free|buffer-overflow)/);
    assert.match(fuzz.stderr, /in dma_start .*device\.c/);
    assert.match(fuzz.stderr, /Test unit written to .*crash-[0-9a-f]{40}/);
    assert.equal(readdirSync(artifacts).filter((n) => n.startsWith('crash-')).length, 1);
  },
);

test(
  'the same build.sh builds the harness with AFL++ and its libFuzzer driver',
  {
    timeout: 180_000,
  },
  () => {
    const src = makeProject(deviceConfig);
    const out = ossFuzzBuild(src, {
      CC: 'afl-clang-fast',
      CXX: 'afl-clang-fast++',
      CFLAGS: '-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address',
      CXXFLAGS: '-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address',
      LIB_FUZZING_ENGINE: '/usr/lib/afl/libAFLDriver.a',
      SANITIZER: 'address',
      FUZZING_ENGINE: 'afl',
      AFL_QUIET: '1',
    });
    const binary = join(out, 'device');
    const strings = spawnSync('grep', ['-c', '__afl_area_ptr', binary], { encoding: 'utf8' });
    assert.notEqual(strings.stdout.trim(), '0', 'instrumented by AFL++');
    const seeds = join(src, 'device-project', 'corpus', 'device');
    const benign = run(binary, [join(seeds, 'short-dma')], out);
    assert.equal(benign.status, 0, benign.stderr);
    assert.match(benign.stdout + benign.stderr, /Execution successful/);
    const crash = run(binary, [join(seeds, 'chained-dma')], out);
    assert.notEqual(crash.status, 0);
    assert.match(crash.stderr, /ERROR: AddressSanitizer: heap-use-after-free/);
    assert.match(crash.stderr, /in dma_start .*device\.c/);
  },
);

test(
  'a target with its own build (make) is built with wrapped compilers and linked with the engine',
  {
    timeout: 180_000,
  },
  () => {
    // Written for fuzzwb-cc: no sanitizer flags and no fuzzing engine of its own.
    const makefile = [
      'build/device_fuzz: examples/device/device.o examples/device/device_fuzz.o',
      '\tmkdir -p build',
      '\t$(CC) $^ -o $@',
      '%.o: %.c',
      '\t$(CC) -c $< -o $@',
      '',
    ].join('\n');
    const config = {
      targets: [
        {
          name: 'device_make',
          build: { command: ['make', 'build/device_fuzz'], cwd: '.' },
          binary: 'build/device_fuzz',
        },
      ],
    };
    const src = makeProject(config, { Makefile: makefile });
    const out = ossFuzzBuild(src, libFuzzerEnv());
    assert.ok(existsSync(join(out, 'device_make')));
    const seeds = join(src, 'device-project', 'corpus', 'device');
    const crash = run(join(out, 'device_make'), [join(seeds, 'chained-dma')], out);
    assert.equal(crash.status, 1);
    // libFuzzer's driver ran the input, and ASan from $CFLAGS caught the bug.
    assert.match(crash.stderr, /^Running: .*chained-dma/m);
    assert.match(crash.stderr, /ERROR: AddressSanitizer: heap-use-after-free/);
  },
);
