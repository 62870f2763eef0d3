// Loads the ES-module helpers of scripts/vscode/ (server, browser, config) from the CommonJS tests.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as BrowserModule from '../../scripts/vscode/browser.mjs' with {
  'resolution-mode': 'import',
};
import type * as ConfigModule from '../../scripts/vscode/config.mjs' with {
  'resolution-mode': 'import',
};
import type * as ServerModule from '../../scripts/vscode/server.mjs' with {
  'resolution-mode': 'import',
};
import { repoRoot } from '../helpers/paths';

export interface VSCodeScripts {
  browser: typeof BrowserModule;
  config: typeof ConfigModule;
  server: typeof ServerModule;
}

/**
 * The scripts are plain .mjs files shared with run-suite.mjs; the compiled tests live elsewhere
 * (out/test-build/), so they are imported by absolute path from the source tree.
 */
export async function loadVSCodeScripts(): Promise<VSCodeScripts> {
  const load = (name: string): Promise<unknown> =>
    import(pathToFileURL(join(repoRoot, 'scripts', 'vscode', name)).href);
  const [browser, config, server] = await Promise.all([
    load('browser.mjs'),
    load('config.mjs'),
    load('server.mjs'),
  ]);
  return {
    browser: browser as typeof BrowserModule,
    config: config as typeof ConfigModule,
    server: server as typeof ServerModule,
  };
}
