// The one-line message Import Findings ends with, and the details for the output channel (pure).
import type { ImportResult } from '../../protocol/messages';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `Imported 4 inputs into two_bugs: 2 new findings, 1 known finding hit again; 1 skipped.` */
export function importSummary(target: string, r: ImportResult): string {
  const what = [
    r.inputsRun > 0 || r.sarifResults === 0 ? count(r.inputsRun, 'input') : '',
    r.sarifResults > 0 ? count(r.sarifResults, 'SARIF result') : '',
  ]
    .filter((s) => s !== '')
    .join(' and ');
  const found = [count(r.newFindings, 'new finding')];
  if (r.knownFindings > 0) found.push(`${count(r.knownFindings, 'known finding')} hit again`);
  const after = [
    r.skipped.length > 0 ? `${r.skipped.length} skipped` : '',
    r.errors.length > 0 ? count(r.errors.length, 'warning') : '',
  ].filter((s) => s !== '');
  const tail = after.length > 0 ? `; ${after.join(', ')} (see Output)` : '';
  return `Imported ${what} into ${target}: ${found.join(', ')}${tail}.`;
}

/** One line per skipped input and warning, for the output channel. */
export function importDetails(r: ImportResult): string[] {
  return [
    ...r.skipped.map((s) => `skipped ${s.path}: ${s.reason}`),
    ...r.errors.map((e) => `warning: ${e}`),
  ];
}
