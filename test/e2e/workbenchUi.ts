// What a user does and sees in the workbench, as Playwright steps: palette, Problems, editor, gutter.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { resultsDir } from './workbenchHost';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROWS = `${QUICK_INPUT} .monaco-list-row`;
const MARKER_ROWS = '.markers-panel .monaco-list-row';

/**
 * The few DOM members the page functions read. The tests compile without the DOM library (they
 * run in Node); these functions run in the page, where the real elements have these members.
 */
interface PageElement {
  readonly innerText: string;
  readonly textContent: string | null;
  readonly className: string;
  readonly children: ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
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

  /** Runs a command from the command palette (F1) by its title, e.g. "Fuzz: Start Fuzzing". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.chooseInQuickInput(`>${title}`, title);
  }

  /** Opens a workspace file through Go to File, by a name the quick open list shows. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.chooseInQuickInput(name, name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
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

  problemRow(index: number): Locator {
    return this.page.locator(MARKER_ROWS).nth(index);
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

  /**
   * The class names of every decoration in the active editor's gutter, per rendered line number.
   * Decorations with a gutter icon render as `.cgmr` elements in the margin's view overlays.
   */
  async gutterDecorations(): Promise<{ line: number; classes: string[] }[]> {
    const margin = this.page.locator('.editor-group-container.active .margin-view-overlays');
    return margin.first().evaluate((el) =>
      Array.from((el as unknown as PageElement).children).map((lineDiv) => {
        const number = lineDiv.querySelector('.line-numbers')?.textContent ?? '';
        const classes = Array.from(lineDiv.querySelectorAll('.cgmr, .cldr')).map((d) =>
          d.className.trim(),
        );
        return { line: Number(number), classes };
      }),
    );
  }

  /** Saves a screenshot under out/test-results/e2e/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
