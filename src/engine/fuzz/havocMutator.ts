// The havoc mutator the stages use: the target's own (native/runtime/mutate.c), through the addon.
import type { MutateRequest, NativeAddon } from '../native/types';

/** Makes havoc mutants without running them; the loop's stages take it as a parameter. */
export interface HavocMutator {
  mutants(req: MutateRequest): Buffer[];
}

/** The mutator the persistent child runs, compiled into the addon: one havoc for every stage. */
export function nativeMutator(addon: Pick<NativeAddon, 'mutate'>): HavocMutator {
  return { mutants: (req) => addon.mutate(req) };
}
