// What an input made from another by writing at a site inherits: its origin, its checksum sites.
import type { EntryMeta } from '../corpusEntry';
import type { I2sSite } from '../inputToState';
import { span } from '../repeatRecord';

/** Fix sites one input carries: nested checksums are rare deeper than this. */
export const MAX_FIXES = 4;

/** A compare without a constant operand: the value compared with the input was computed. */
export function isComputed(site: I2sSite): boolean {
  return !site.constant && site.size >= 2;
}

/**
 * The metadata of an input made from `parent` (whose metadata is `from`) by writing `site`: the
 * parent's fix sites, plus the site itself when it holds a computed value (a checksum), and the
 * parent's provenance with the bytes the site wrote added, over generations of entries: a
 * frame's sync byte, length and checksum are each found by a run of their own, each kept as an
 * entry, and the frame is what they wrote together. A parent of unknown origin is the origin.
 */
export function derivedMeta(
  parent: Buffer,
  from: Partial<EntryMeta> | undefined,
  site: I2sSite | undefined,
): Pick<EntryMeta, 'fixes' | 'made'> {
  const up = from?.made;
  const wrote = site !== undefined && site.size > 0 ? { at: site.at, size: site.size } : undefined;
  const inherited = from?.fixes ?? [];
  const mine = site !== undefined && isComputed(site) ? [site] : [];
  const fixes = [...inherited.filter((s) => mine[0]?.slot !== s.slot), ...mine].slice(-MAX_FIXES);
  return { fixes, made: { origin: up?.origin ?? parent, wrote: span(up?.wrote, wrote) } };
}

/** The metadata of a havoc mutant of `parent`: its fix sites, and where it came from. */
export function inheritedMeta(
  parent: Buffer,
  from: Partial<EntryMeta> | undefined,
): Pick<EntryMeta, 'fixes' | 'made'> {
  return { fixes: from?.fixes ?? [], made: { origin: parent, wrote: undefined } };
}

/** Metadata for inputs a stage made, looked up by the input itself while the stage runs. */
export class MadeHere {
  private readonly metas = new Map<Buffer, Partial<EntryMeta>>();

  set(input: Buffer, meta: Partial<EntryMeta>): void {
    this.metas.set(input, meta);
  }

  get(input: Buffer): Partial<EntryMeta> | undefined {
    return this.metas.get(input);
  }

  /** The lookup a batch run takes (StageContext.run's `meta`). */
  readonly lookup = (input: Buffer): Partial<EntryMeta> | undefined => this.metas.get(input);
}
