// Starts VS Code's server on a free 127.0.0.1 port for one suite run, and stops it with its children.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_SETTINGS, nodeBin, serverMain } from './config.mjs';

/**
 * Writes the settings both places the host reads at start: the user settings (code-server's
 * build keeps them on the server, under --user-data-dir) and the remote machine settings.
 */
function writeSettings(userDataDir, serverDataDir) {
  const text = `${JSON.stringify(HOST_SETTINGS, null, 2)}\n`;
  for (const dir of [join(userDataDir, 'User'), join(serverDataDir, 'data', 'Machine')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), text);
  }
}

/** The server's folders inside one run's state folder; logsDir holds the extension host's logs. */
export function serverDirs(stateDir) {
  const userDataDir = join(stateDir, 'user-data');
  return {
    userDataDir,
    serverDataDir: join(stateDir, 'server-data'),
    extensionsDir: join(stateDir, 'extensions'),
    logsDir: join(userDataDir, 'logs'),
  };
}

/**
 * Starts the server and resolves with { port, stop } once it listens. `env` is added to the
 * server's environment, which the extension host inherits. Output goes to `logFile`.
 */
export function startServer({ stateDir, env, logFile, readyTimeoutMs = 30_000 }) {
  const { userDataDir, serverDataDir, extensionsDir } = serverDirs(stateDir);
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, serverDataDir);

  const args = [
    serverMain,
    '--host',
    '127.0.0.1',
    // Port 0: the server picks a free port and prints it, so two runs never race for one.
    '--port',
    '0',
    '--without-connection-token',
    '--accept-server-license-terms',
    // A built workbench ignores the extension development payload without it.
    '--enable-smoke-test-driver',
    '--telemetry-level',
    'off',
    '--user-data-dir',
    userDataDir,
    '--server-data-dir',
    serverDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  // A process group of its own, so stop() also ends the extension host, pty host and watchers.
  const child = spawn(nodeBin, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });

  let exited = false;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve(code ?? signal);
    });
  });

  async function stop() {
    if (!exited) {
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3_000);
      await exit;
      clearTimeout(timer);
    }
    // Children outlive their parent's SIGTERM sometimes: end whatever is left of the group.
    killGroup(child.pid, 'SIGKILL');
    log.end();
  }

  const ready = new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`the VS Code server did not listen within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = /Extension host agent listening on (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), stop });
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${nodeBin}: ${err.message}`));
    });
    void exit.then((status) => {
      clearTimeout(timer);
      reject(new Error(`the VS Code server exited (${status}) before it listened`));
    });
  });
  return ready.catch(async (err) => {
    await stop();
    throw err;
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group has already exited.
  }
}
