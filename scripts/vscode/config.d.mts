// Types of config.mjs for the TypeScript tests in test/e2e/ and test/integration/.

export const CODE_SERVER_VERSION: string;
export const VSCODE_VERSION: string;
export const NODE_VERSION: string;
export const CHROMIUM: string;
export const DEBIAN_PACKAGES: string[];
export const cacheDir: string;
export const nodeDir: string;
export const nodeBin: string;
export const codeServerDir: string;
export const serverMain: string;
export const installedMarker: string;
export const HOST_SETTINGS: Record<string, unknown>;
