/* The in-target mutator's types: the random source, byte strings and the mutant being built. */
#ifndef FUZZWB_RUNTIME_MUTATE_H
#define FUZZWB_RUNTIME_MUTATE_H

#include <stdint.h>

#include "runtime.h"

/* Dictionary tokens one batch uses at most; the engine keeps a few hundred. */
#define FWB_MUTATE_MAX_TOKENS 1024
/* Parent inputs one batch holds at most (a replayed batch has up to 4096). */
#define FWB_MUTATE_MAX_PARENTS 4096

struct fwb_rng {
  uint64_t state;
};

struct fwb_bytes {
  const uint8_t *data;
  uint32_t len;
};

/* A batch's parents and tokens, read from the arena once per batch, and the comparison slots
 * recent runs filled (libFuzzer's table of recent compares), refreshed as the batch goes. */
struct fwb_mutate_in {
  struct fwb_bytes parent[FWB_MUTATE_MAX_PARENTS];
  struct fwb_bytes token[FWB_MUTATE_MAX_TOKENS];
  uint32_t parents, tokens;
  const struct fwb_cmp_slot *cmp[FWB_CMP_SLOTS];
  const struct fwb_memcmp_slot *memcmp[FWB_MEMCMP_SLOTS];
  uint32_t cmps, memcmps;
};

/* The mutant is built in place: data holds up to cap bytes, scratch as many. */
struct fwb_mutant {
  uint8_t *data;
  uint8_t *scratch;
  uint32_t len, cap;
};

FWB_HIDDEN uint32_t fwb_rng_below(struct fwb_rng *r, uint32_t n);

/* Copies parent into m (m->cap >= parent->len); an empty parent starts as one random byte. */
FWB_HIDDEN void fwb_mutant_start(struct fwb_mutant *m, const struct fwb_bytes *parent,
                                 struct fwb_rng *r);
/* Applies one havoc mutation to m, which stays within m->cap and never empties. */
FWB_HIDDEN void fwb_mutate_once(struct fwb_mutant *m, const struct fwb_bytes *other,
                                const struct fwb_mutate_in *in, struct fwb_rng *r);

#endif /* FUZZWB_RUNTIME_MUTATE_H */
