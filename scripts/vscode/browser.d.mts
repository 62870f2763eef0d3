// Types of browser.mjs for the TypeScript tests in test/e2e/ that drive the workbench.
import type { BrowserContext, Page } from 'playwright-core';

export function workbenchUrl(port: number, folder: string, payload?: [string, string][]): string;

export function isLoopback(url: string): boolean;

export function launchBrowser(profileDir: string): Promise<{
  context: BrowserContext;
  page: Page;
  blocked: Set<string>;
  consoleLines: string[];
}>;

export function trustWorkspace(page: Page): Promise<void>;
