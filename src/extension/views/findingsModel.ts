// The findings tree's nodes as plain data: target → finding → frames and stacks (pure).
import { basename } from 'node:path';
import type { FindingRecord } from '../../protocol/messages';
import { findingCode, findingToDiagnostic } from '../problems/findingDiagnostic';
import type { FindingEntry } from '../state/workbenchState';

type FrameRecord = FindingRecord['frames'][number];

export interface Location1 {
  file: string;
  line: number;
  column: number;
}

export interface TargetNode {
  kind: 'target';
  id: string;
  label: string;
  description: string;
  findings: FindingNode[];
}

export interface FindingNode {
  kind: 'finding';
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** Context-menu commands receive the node; they read this. */
  artifact: string;
  location?: Location1;
  children: (FrameNode | StackNode)[];
}

export interface StackNode {
  kind: 'stack';
  id: string;
  label: string;
  frames: FrameNode[];
}

export interface FrameNode {
  kind: 'frame';
  id: string;
  label: string;
  description: string;
  location?: Location1;
}

export type TreeNode = TargetNode | FindingNode | StackNode | FrameNode;

function frameNodes(parent: string, frames: readonly FrameRecord[]): FrameNode[] {
  return frames.map((f, i) => {
    const node: FrameNode = {
      kind: 'frame',
      id: `${parent}/${i}`,
      label: `#${i} ${f.function}`,
      description:
        f.file !== undefined
          ? `${basename(f.file)}:${f.line ?? 0}`
          : `${f.module !== undefined ? basename(f.module) : '?'}+${f.offset ?? '?'}`,
    };
    if (f.file !== undefined && f.line !== undefined && f.line > 0) {
      node.location = { file: f.file, line: f.line, column: Math.max(1, f.column ?? 1) };
    }
    return node;
  });
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** `target` keeps ids unique when two targets share a crash state (VS Code rejects duplicates). */
export function findingNode(
  record: FindingRecord,
  roots: readonly string[],
  target = '',
): FindingNode {
  const code = `${target}/${findingCode(record)}`;
  const where = findingToDiagnostic(record, roots);
  const v = record.verification;
  const tooltip = [
    record.summary ?? record.headline ?? record.type,
    `${plural(record.hitCount, 'hit')} · ${v.status} (${v.reproduced}/${v.runs} runs reproduced)`,
    `input: ${record.artifact} (${plural(record.size, 'byte')})`,
  ].join('\n');
  const node: FindingNode = {
    kind: 'finding',
    id: code,
    label: record.type,
    description: where !== undefined ? `${basename(where.file)}:${where.line}` : record.kind,
    tooltip,
    artifact: record.artifact,
    children: [
      ...frameNodes(code, record.frames),
      ...record.stacks.map((s, i): StackNode => ({
        kind: 'stack',
        id: `${code}/stack${i}`,
        label: s.title.replace(/:\s*$/, ''),
        frames: frameNodes(`${code}/stack${i}`, s.frames),
      })),
    ],
  };
  if (where !== undefined)
    node.location = { file: where.file, line: where.line, column: where.column };
  return node;
}

/** Targets in name order, their findings newest first (what the user is likely looking for). */
export function buildFindingsTree(
  entries: readonly FindingEntry[],
  roots: readonly string[],
): TargetNode[] {
  const byTarget = new Map<string, FindingEntry[]>();
  for (const e of entries) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  return [...byTarget.keys()].sort().map((target) => {
    const list = (byTarget.get(target) ?? [])
      .slice()
      .sort((a, b) => b.record.firstSeen.localeCompare(a.record.firstSeen));
    return {
      kind: 'target',
      id: `target:${target}`,
      label: target,
      description: plural(list.length, 'finding'),
      findings: list.map((e) => findingNode(e.record, roots, target)),
    };
  });
}

export function childrenOf(node: TreeNode): TreeNode[] {
  switch (node.kind) {
    case 'target':
      return node.findings;
    case 'finding':
      return node.children;
    case 'stack':
      return node.frames;
    case 'frame':
      return [];
  }
}

/**
 * The artifact a finding command was given: a path (quick fixes, the palette) or a findings-tree
 * node (its context menu passes the node). For ext-core's command handlers.
 */
export function artifactArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && 'artifact' in arg) {
    return typeof arg.artifact === 'string' ? arg.artifact : undefined;
  }
  return undefined;
}
