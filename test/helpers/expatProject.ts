// A real project for tests: Debian's expat built by its own CMake (EXPAT_BUILD_FUZZERS) through
// `fuzzwb build`, with its in-tree libFuzzer harness. Cached under ~/.cache/fuzzwb/projects/.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface RealProject {
  /** expat's source folder (the one with lib/ and fuzz/), in the unpacked Debian source. */
  sourceDir: string;
  /** The fuzz binary `fuzzwb build` made: fuzz/xml_parse_fuzzer_UTF-8. */
  binary: string;
  /** The fuzzwb.json that describes the target (a build command, not a direct compile). */
  config: string;
  /** The target's name in that config. */
  target: string;
  /** The project folder (the config's folder, where the CMake build lives). */
  workDir: string;
}

const TARGET = 'expat_xml_parse';
const FUZZER = 'xml_parse_fuzzer_UTF-8';

function cacheBase(): string {
  const env = process.env;
  return env.FUZZWB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fuzzwb');
}

/** Changes whenever the runtime or the wrapper changes, so a stale instrumented build is redone. */
function toolchainKey(): string {
  const h = createHash('sha1');
  for (const f of ['out/native/libfuzzwb_rt.a', 'out/fuzzwb-cc.js']) {
    h.update(readFileSync(join(repoRoot, f)));
  }
  return h.digest('hex').slice(0, 12);
}

/** The fuzzwb.json of the project: expat's CMake with its fuzzers on, through our wrappers. */
export function expatConfig(sourceDir: string): object {
  return {
    targets: [
      {
        name: TARGET,
        build: {
          configure: [
            'cmake',
            '-S',
            sourceDir,
            '-B',
            'build',
            '-DEXPAT_BUILD_FUZZERS=ON',
            '-DEXPAT_BUILD_TESTS=OFF',
            '-DEXPAT_BUILD_TOOLS=OFF',
            '-DEXPAT_BUILD_EXAMPLES=OFF',
            '-DEXPAT_BUILD_DOCS=OFF',
            '-DEXPAT_SHARED_LIBS=OFF',
            // Debian's security patches test `#if XML_DTD == 1`, but CMake's config header
            // defines XML_DTD empty (Debian builds with autotools); without DTD support it is
            // undefined and those lines read as 0.
            '-DEXPAT_DTD=OFF',
            '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
          ],
          command: ['cmake', '--build', 'build', '--target', FUZZER, '-j2'],
          cwd: '.',
        },
        binary: `build/fuzz/${FUZZER}`,
        sanitizers: ['address', 'undefined'],
        options: { max_len: 4096 },
      },
    ],
  };
}

/**
 * Fetches expat's Debian source (once), writes the project's fuzzwb.json and runs `fuzzwb build`
 * on it (incremental after the first time). Throws with the build's output when it fails.
 */
export function expatProject(): RealProject {
  const unpacked = execFileSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'debian-source.mjs'), 'expat'],
    { encoding: 'utf8' },
  ).trim();
  const sourceDir = join(unpacked, 'expat');
  if (!existsSync(join(sourceDir, 'fuzz', 'xml_parse_fuzzer.c'))) {
    throw new Error(`${sourceDir} has no fuzz/xml_parse_fuzzer.c: not the expat source expected`);
  }
  const projects = join(cacheBase(), 'projects');
  const workDir = join(projects, `expat-${toolchainKey()}`);
  if (!existsSync(workDir)) {
    // Builds for an older runtime are of no use; keep the cache from growing.
    rmSync(projects, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
  }
  const config = join(workDir, 'fuzzwb.json');
  writeFileSync(config, `${JSON.stringify(expatConfig(sourceDir), null, 2)}\n`);
  const r = spawnSync(join(repoRoot, 'bin', 'fuzzwb'), ['build', TARGET, `-config=${config}`], {
    cwd: workDir,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) {
    throw new Error(`fuzzwb build of expat failed (${r.status}): ${r.stderr.slice(-3000)}`);
  }
  return {
    sourceDir,
    binary: join(workDir, 'build', 'fuzz', FUZZER),
    config,
    target: TARGET,
    workDir,
  };
}
