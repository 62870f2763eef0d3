// Reads the extension host's logs of one workbench run: activation lines and the extension's channel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const EXTENSION_ID = 'fuzzwb.fuzz-workbench';

/** Every file under `dir` whose path ends with `suffix` (the logs are a few levels deep). */
function findLogs(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => rel.endsWith(suffix))
    .map((rel) => join(dir, rel));
}

function linesOf(dir: string, suffix: string): string[] {
  return findLogs(dir, suffix).flatMap((file) => readFileSync(file, 'utf8').split('\n'));
}

/** The extension host's own log: startup, and one line per extension it activates. */
export function extensionHostLines(logsDir: string): string[] {
  return linesOf(logsDir, 'exthost.log');
}

/** The extension's "Fuzz Workbench" log channel, as the host writes it to disk. */
export function channelLines(logsDir: string): string[] {
  return linesOf(logsDir, join(EXTENSION_ID, 'Fuzz Workbench.log'));
}

export function activationLine(logsDir: string): string | undefined {
  return extensionHostLines(logsDir).find((line) =>
    line.includes(`_doActivateExtension ${EXTENSION_ID},`),
  );
}

/** Polls `read` until it returns something; throws naming `what` after `timeout` ms. */
export async function waitForLog<T>(
  page: Page,
  what: string,
  read: () => T | undefined,
  timeout: number,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}
