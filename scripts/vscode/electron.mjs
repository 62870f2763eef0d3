// The first route for test/suite: a desktop VS Code build run by @vscode/test-electron, when one is here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { HOST_SETTINGS } from './config.mjs';

/**
 * Places a desktop build may be, in order. @vscode/test-electron would download one otherwise,
 * which this network does not allow; so only a build already on the machine is used.
 */
function candidates(root) {
  const list = [];
  if (process.env.FUZZWB_VSCODE_EXECUTABLE) list.push(process.env.FUZZWB_VSCODE_EXECUTABLE);
  // test-electron's own cache from an earlier download: .vscode-test/vscode-linux-x64-<version>/code
  const cache = join(root, '.vscode-test');
  if (existsSync(cache)) {
    for (const name of readdirSync(cache).sort().reverse()) {
      if (name.startsWith('vscode-linux-')) list.push(join(cache, name, 'code'));
    }
  }
  // The Debian/RPM packages' Electron binary (the `code` on PATH is a shell wrapper around it).
  list.push('/usr/share/code/code');
  return list;
}

function hasDisplay() {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * Returns { executable } when the route can run, else { reason } saying why not, for the log
 * line that tells which route ran.
 */
export function findDesktopVSCode(root) {
  if (process.env.FUZZWB_VSCODE_ROUTE === 'server') {
    return { reason: 'FUZZWB_VSCODE_ROUTE=server' };
  }
  const executable = candidates(root).find((path) => existsSync(path));
  if (!executable) {
    return {
      reason: 'no desktop VS Code build (FUZZWB_VSCODE_EXECUTABLE, .vscode-test/, /usr/share/code)',
    };
  }
  if (!hasDisplay()) {
    // Electron needs an X or Wayland display; under CI, run the tests inside xvfb-run for it.
    const xvfb = spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error
      ? ''
      : ' (try xvfb-run)';
    return { reason: `found ${executable} but there is no display${xvfb}` };
  }
  return { executable };
}

/**
 * Runs the suite in the desktop build with the repository as the development extension; resolves
 * with its exit code. The state folder holds the profile, so logs land where the suite looks.
 */
export async function runDesktopSuite({ executable, root, suiteIndex, fixture, stateDir, env }) {
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    `${JSON.stringify(HOST_SETTINGS, null, 2)}\n`,
  );
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteIndex,
      launchArgs: [
        fixture,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--disable-extensions',
      ],
      extensionTestsEnv: { ...env, FUZZWB_LOGS_DIR: join(userDataDir, 'logs') },
    });
  } catch (err) {
    // runTests rejects with the exit code when the suite fails; the relay has its results.
    if (typeof err?.code === 'number') return err.code;
    throw err;
  }
}
