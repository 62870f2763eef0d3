// What a user does and sees in the workbench, as Playwright steps: palette, Problems, editor, gutter.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { resultsDir } from './workbenchHost';

/** The sanitizer crash types a finding's message starts with. */
export const CRASH_TYPES =
  /heap-buffer-overflow|heap-use-after-free|stack-buffer-overflow|double-free|SEGV|use-after|overflow/i;

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROWS = `${QUICK_INPUT} .monaco-list-row`;
const MARKER_ROWS = '.markers-panel .monaco-list-row';

/**
 * The few DOM members the page functions read. The tests compile without the DOM library (they
 * run in Node); these functions run in the page, where the real elements have these members.
 */
interface PageElement {
  readonly innerText: string;
  readonly ownerDocument: {
    defaultView: { getComputedStyle(el: PageElement): { backgroundImage: string } };
  };
  readonly textContent: string | null;
  readonly className: string;
  readonly children: ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getBoundingClientRect(): { top: number };
}

/** One row of the Problems tree as the user reads it. */
export interface ProblemRow {
  index: number;
  text: string;
  /** 'marker', 'related' (a related-information child) or 'resource' (a file heading). */
  kind: 'marker' | 'related' | 'resource';
  expanded: boolean | undefined;
}

export class WorkbenchUi {
  constructor(readonly page: Page) {}

  private get quickInput(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
  }

  /**
   * Types into the quick input and accepts the row whose label starts with `label` (the list
   * filters asynchronously, so the row is awaited before Enter; Enter alone could take a stale
   * first row).
   */
  async chooseInQuickInput(query: string, label: string, timeout = 30_000): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout });
    await this.quickInput.fill(query);
    const row = this.page.locator(QUICK_ROWS).filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /**
   * Runs a command from the command palette (F1) by its title, e.g. "Fuzz: Start Fuzzing". The
   * palette lists the commands known when it opens; while the extension host is still starting,
   * an extension's commands may be missing, so the palette is reopened until they show.
   */
  async runCommand(title: string, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.page.keyboard.press('F1');
      try {
        await this.chooseInQuickInput(`>${title}`, title, 5_000);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(1_000);
      }
    }
  }

  /** Opens a workspace file through Go to File, by a name the quick open list shows. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.chooseInQuickInput(name, name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  }

  /** Moves the cursor of the active editor to `line` with Go to Line/Column. */
  async goToLine(line: number): Promise<void> {
    await this.runCommand('Go to Line/Column...');
    await this.quickInput.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.waitForEditor(await this.activeEditorName(), line);
  }

  /** The quick pick a command opened: waits for a row with `label` and picks it. */
  async pick(label: string, timeout = 60_000): Promise<void> {
    const row = this.page.locator(QUICK_ROWS).filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  async showProblems(): Promise<void> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await this.page.locator('.markers-panel').first().waitFor({ state: 'visible' });
  }

  /** The rows of the Problems tree, top to bottom. */
  async problemRows(): Promise<ProblemRow[]> {
    return this.page.locator(MARKER_ROWS).evaluateAll((rows) =>
      rows.map((row, index) => {
        const el = row as unknown as PageElement;
        const expanded = el.getAttribute('aria-expanded');
        const kind = el.querySelector('.marker-related-information, .related-info-resource')
          ? 'related'
          : el.querySelector('.marker-icon, .marker-message-details, .marker-code')
            ? 'marker'
            : 'resource';
        return {
          index,
          text: el.innerText.replace(/\s+/g, ' ').trim(),
          kind,
          expanded: expanded === null ? undefined : expanded === 'true',
        } as const;
      }),
    );
  }

  /** Polls the Problems tree until `match` picks a row; throws with the rows last seen. */
  async waitForProblem(
    what: string,
    match: (row: ProblemRow) => boolean,
    timeout: number,
  ): Promise<ProblemRow> {
    const deadline = Date.now() + timeout;
    let rows: ProblemRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.problemRows();
      const found = rows.find(match);
      if (found) return found;
      await this.page.waitForTimeout(500);
    }
    const seen = rows.map((r) => `${r.kind}: ${r.text}`).join('\n  ');
    throw new Error(`no Problems row for ${what} within ${timeout} ms; rows:\n  ${seen}`);
  }

  /** Polls until the Problems tree has not changed for `quietMs`; throws after `timeout` ms. */
  async waitForStableProblems(quietMs: number, timeout: number): Promise<ProblemRow[]> {
    const deadline = Date.now() + timeout;
    let last = '';
    let since = Date.now();
    for (;;) {
      const rows = await this.problemRows();
      const now = rows.map((r) => `${r.kind}:${r.text}`).join('\n');
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return rows;
      }
      if (Date.now() > deadline) throw new Error(`Problems still changing after ${timeout} ms`);
      await this.page.waitForTimeout(250);
    }
  }

  problemRow(index: number): Locator {
    return this.page.locator(MARKER_ROWS).nth(index);
  }

  /** The first Problems row that contains every one of `parts`. */
  problemRowWith(parts: string[]): Locator {
    let rows = this.page.locator(MARKER_ROWS);
    for (const part of parts) rows = rows.filter({ hasText: part });
    return rows.first();
  }

  /** The active editor's tab label (the file name). */
  async activeEditorName(): Promise<string> {
    const tab = this.page.locator('.tabs-container .tab.active').first();
    return ((await tab.getAttribute('aria-label')) ?? '').split(',')[0]?.trim() ?? '';
  }

  /** The cursor as the status bar shows it ("Ln 76, Col 54"). */
  async cursor(): Promise<{ line: number; column: number }> {
    const text = await this.page.locator('#status\\.editor\\.selection').innerText();
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    if (!m) throw new Error(`the status bar shows no cursor position: "${text}"`);
    return { line: Number(m[1]), column: Number(m[2]) };
  }

  /** Expands a Problems row (a marker with related information) if it is collapsed. */
  async expandProblem(index: number): Promise<void> {
    const row = this.problemRow(index);
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
    }
    for (let tries = 0; (await row.getAttribute('aria-expanded')) === 'false'; tries++) {
      if (tries === 50) throw new Error(`Problems row ${index} does not expand`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Waits until the active editor is `file` with the cursor on `line`. */
  async waitForEditor(file: string, line: number, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = '';
    while (Date.now() < deadline) {
      const name = await this.activeEditorName();
      const cursor = await this.cursor().catch(() => undefined);
      seen = `${name} at line ${cursor?.line}`;
      if (name === file && cursor?.line === line) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`the editor did not open ${file} at line ${line}; it shows ${seen}`);
  }

  /**
   * The coverage decorations in the active editor's gutter, per rendered line. A decoration with
   * a gutter icon renders as a `.cgmr` element in the glyph margin, level with its line's number;
   * the icon's file name (<state>.svg, or <state>-<colour hash>.svg when tinted) tells the state.
   */
  async gutterCoverage(): Promise<{ line: number; state: string }[]> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor');
    if ((await editor.count()) === 0) return [];
    return editor.first().evaluate((el) => {
      const root = el as unknown as PageElement;
      const numbers = Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers')).map(
        (n) => ({ line: Number(n.textContent ?? ''), top: n.getBoundingClientRect().top }),
      );
      const lines: { line: number; state: string }[] = [];
      for (const icon of Array.from(root.querySelectorAll('.cgmr'))) {
        const image = icon.ownerDocument.defaultView.getComputedStyle(icon).backgroundImage;
        const m = /(?:\/|%2F)(covered|partial|uncovered)(?:-[0-9a-f]+)?\.svg/i.exec(image);
        const top = icon.getBoundingClientRect().top;
        const row = numbers.find((n) => Math.abs(n.top - top) < 4);
        if (m && row) lines.push({ line: row.line, state: m[1] as string });
      }
      return lines.sort((x, y) => x.line - y.line);
    });
  }

  /** Polls until the active editor's gutter shows coverage; throws after `timeout` ms. */
  async waitForGutter(timeout: number): Promise<{ line: number; state: string }[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const lines = await this.gutterCoverage();
      if (lines.length > 0) return lines;
      if (Date.now() > deadline) {
        const seen = await this.gutterSample();
        throw new Error(`no coverage in the gutter within ${timeout} ms; margin shows ${seen}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  /** The margin's decoration elements (class, icon), to say what the gutter showed instead. */
  private async gutterSample(): Promise<string> {
    const margin = this.page.locator('.editor-group-container.active .margin-view-overlays');
    if ((await margin.count()) === 0) return 'no editor';
    const editor = this.page.locator('.editor-group-container.active .monaco-editor');
    const sample = await editor.first().evaluate((el) =>
      Array.from((el as unknown as PageElement).querySelectorAll('.cgmr, [class*="ced-"]'))
        .slice(0, 6)
        .map((d) => {
          const image = d.ownerDocument.defaultView.getComputedStyle(d).backgroundImage;
          return `${d.className} ${image.slice(0, 160)}`;
        }),
    );
    return sample.join(' | ') || 'no decorations';
  }

  /** Saves a screenshot under out/test-results/e2e/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
