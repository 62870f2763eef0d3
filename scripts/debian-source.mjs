// Fetches and unpacks a Debian source package into ~/.cache/fuzzwb/debian-src/ (apt, private config).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUITE_LINE = 'deb-src http://deb.debian.org/debian bookworm main';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export function cacheRoot(env = process.env) {
  const base =
    env.FUZZWB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fuzzwb');
  return join(base, 'debian-src');
}

/**
 * apt-get with its own sources list, lists and archive directories: the machine's apt config (which
 * may have no deb-src lines) is neither read for sources nor changed.
 */
function apt(root, args, cwd) {
  const opts = [
    `-o`,
    `Dir::Etc::SourceList=${join(root, 'sources.list')}`,
    `-o`,
    `Dir::Etc::SourceParts=${join(root, 'sources.list.d')}`,
    `-o`,
    `Dir::State::Lists=${join(root, 'lists')}`,
    `-o`,
    `Dir::Cache=${join(root, 'apt-cache')}`,
    `-o`,
    'Debug::NoLocking=1',
    `-o`,
    'APT::Sandbox::User=root',
    '-q',
  ];
  const r = spawnSync('apt-get', [...opts, ...args], { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run apt-get: ${r.error.message}`);
  if (r.status !== 0) {
    const last = (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ');
    throw new Error(`apt-get ${args.join(' ')} failed: ${last}`);
  }
}

/** The unpacked source tree of `pkg` (the directory dpkg-source made), fetched once. */
export function debianSource(pkg, env = process.env) {
  const root = cacheRoot(env);
  const dest = join(root, pkg);
  const tree = () =>
    existsSync(dest)
      ? readdirSync(dest)
          .map((n) => join(dest, n))
          .find((p) => statSync(p).isDirectory() && existsSync(join(p, 'debian')))
      : undefined;
  const have = tree();
  if (have !== undefined) return have;
  for (const d of ['lists/partial', 'apt-cache/archives/partial', 'sources.list.d']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(
    join(root, 'sources.list'),
    `${SUITE_LINE.replace('deb-src ', `deb-src [signed-by=${KEYRING}] `)}\n`,
  );
  if (readdirSync(join(root, 'lists')).filter((n) => n.endsWith('Sources')).length === 0) {
    apt(root, ['update'], root);
  }
  const work = `${dest}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  apt(root, ['source', pkg], work);
  rmSync(dest, { recursive: true, force: true });
  renameSync(work, dest);
  const got = tree();
  if (got === undefined) throw new Error(`apt-get source ${pkg} left no source tree in ${dest}`);
  return got;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const pkg = process.argv[2];
  if (pkg === undefined) {
    process.stderr.write('usage: node scripts/debian-source.mjs PACKAGE\n');
    process.exitCode = 2;
  } else {
    try {
      process.stdout.write(`${debianSource(pkg)}\n`);
    } catch (err) {
      process.stderr.write(`debian-source: ${err.message}\n`);
      process.exitCode = 1;
    }
  }
}
