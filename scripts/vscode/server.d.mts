// Types of server.mjs for the TypeScript tests in test/e2e/ that start the VS Code server.

export interface ServerDirs {
  userDataDir: string;
  serverDataDir: string;
  extensionsDir: string;
  logsDir: string;
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

export function serverDirs(stateDir: string): ServerDirs;

export function startServer(options: {
  stateDir: string;
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<RunningServer>;
