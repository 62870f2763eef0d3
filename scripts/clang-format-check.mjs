// Checks (or with --fix rewrites) the clang-format style of the project's C and C++ sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Folders whose C/C++ sources follow .clang-format. */
export const FORMAT_DIRS = ['native/', 'bench/', 'test/', 'examples/'];
/** Extensions that clang-format checks. */
export const FORMAT_EXTS = ['.c', '.cc', '.cpp', '.h', '.hh', '.hpp'];

/**
 * Picks the files to format from `git ls-files` output: C/C++ sources under FORMAT_DIRS,
 * without duplicates (a file can be both cached and modified), sorted for a stable report.
 */
export function selectFormatTargets(paths) {
  const picked = paths.filter(
    (p) => FORMAT_DIRS.some((d) => p.startsWith(d)) && FORMAT_EXTS.some((e) => p.endsWith(e)),
  );
  return [...new Set(picked)].sort();
}

/** Parses the command line; unknown flags are an error so a typo never skips the check. */
export function parseArgs(argv) {
  const opts = { fix: false };
  for (const arg of argv) {
    if (arg === '--fix') opts.fix = true;
    else throw new Error(`unknown argument: ${arg} (usage: clang-format-check.mjs [--fix])`);
  }
  return opts;
}

/** The first clang-format that runs: Debian's versioned binary first, then the plain name. */
function findClangFormat() {
  for (const candidate of ['clang-format-19', 'clang-format']) {
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

/** Tracked and untracked (but not ignored) files, relative to root. */
function listRepoFiles(root) {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split('\0').filter((p) => p !== '');
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { fix } = parseArgs(process.argv.slice(2));
  const clangFormat = findClangFormat();
  if (clangFormat === null) {
    throw new Error('clang-format not found: install it with apt-get install clang-format-19');
  }
  // A deleted file is still listed by git until the deletion is staged.
  const files = selectFormatTargets(listRepoFiles(root)).filter((f) =>
    existsSync(resolve(root, f)),
  );
  const modeArgs = fix ? ['-i'] : ['--dry-run', '--Werror'];
  const failed = [];
  for (const file of files) {
    const result = spawnSync(clangFormat, [...modeArgs, file], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) failed.push(file);
  }
  if (failed.length > 0) {
    const verb = fix ? 'could not be formatted' : 'are not clang-formatted';
    console.error(`${failed.length} of ${files.length} C/C++ files ${verb}:`);
    for (const file of failed) console.error(`  ${file}`);
    if (!fix) console.error('fix them with: node scripts/clang-format-check.mjs --fix');
    process.exit(1);
  }
  console.log(`clang-format: ${files.length} C/C++ files ${fix ? 'formatted' : 'are formatted'}`);
}

// Run only as a script: the unit tests import the helpers above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (err) {
    console.error(`clang-format-check: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
