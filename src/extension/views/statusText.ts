// The status bar's text and tooltip from the state's latest numbers (pure).
import type { SessionInfo } from '../state/workbenchState';
import type { StatusParams } from '../../protocol/messages';

const num = (n: number) => Math.round(n).toLocaleString('en-US');

export interface StatusView {
  text: string;
  tooltip: string;
}

/** `$(bug) 1,234/s · cov 567 · 2 crashes`; before any status, just the name and what it does. */
export function statusView(
  session: SessionInfo | undefined,
  status: StatusParams | undefined,
  findings: number,
): StatusView {
  const crashes = `${num(findings)} crash${findings === 1 ? '' : 'es'}`;
  if (status === undefined) {
    const text = findings > 0 ? `$(bug) ${crashes}` : '$(bug) Fuzz';
    return { text, tooltip: 'Fuzz Workbench: not fuzzing. Click for the dashboard.' };
  }
  const running = session?.running ?? true;
  const rate = running ? `${num(status.execsPerSec)}/s` : 'stopped';
  const text = `$(bug) ${rate} · cov ${num(status.cov)} · ${crashes}`;
  const seconds = Math.round(status.elapsedMs / 1000);
  const state = running
    ? `fuzzing ${session?.target ?? ''}`.trim()
    : `ended (${session?.end ?? 'stopped'})`;
  const tooltip = [
    `Fuzz Workbench: ${state}`,
    `${num(status.execs)} executions in ${num(seconds)} s (${num(status.execsPerSec)}/s)`,
    `coverage: ${num(status.cov)} edges · corpus: ${num(status.corpus)} inputs`,
    `${crashes} (unique)`,
    'Click for the dashboard.',
  ].join('\n');
  return { text, tooltip };
}
