/* A persistent child's own batch of mutants: made, run and judged here, as libFuzzer does it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mutate.h"

/* Mutations stacked on one pick of a parent (libFuzzer's -mutate_depth). */
#define MUTATE_DEPTH 5u
/* Mutants between two reads of the comparison table. */
#define COMPARES_EVERY 1024u
/* One mutant in this many records its compares: every compare writes a slot of a 128 KB
 * table, a tenth of a real library's run, and the table only needs fresh operands now and
 * then (the mutator reads it every COMPARES_EVERY mutants, the engine every few ms). */
#define COMPARES_SAMPLE 8u

static struct fwb_mutate_in in;
static const struct fwb_bytes none = {0, 0};
/* Per parent of the arena: the features it alone holds in the corpus (see fwb_mutate.owned);
 * per parent of in.parent: its place in the arena, which fwb_mutate.reduced names. */
static struct fwb_bytes owned[FWB_MUTATE_MAX_PARENTS];
static uint32_t arena_index[FWB_MUTATE_MAX_PARENTS];
static uint8_t *scratch;
static uint8_t bucket[256];

/* fwb_bucket_bit as a table: every non-zero counter of every run is looked up. */
static void init_buckets(void) {
  for (int c = 1; c < 256; c++)
    bucket[c] = fwb_bucket_bit((uint8_t)c);
}

/* Reads the batch's parents and tokens; a malformed arena (which the engine never writes)
 * ends the lists where it stops making sense. */
FWB_NO_SANITIZE static void read_arena(const struct fwb_mutate *req, const uint8_t *arena,
                                       uint32_t capacity) {
  uint32_t end = req->arena_len < capacity ? req->arena_len : capacity;
  int replay = (req->flags & FWB_MUTATE_REPLAY) != 0;
  uint32_t at = 0;
  in.parents = in.tokens = 0;
  uint32_t want = req->parents + req->tokens;
  uint32_t i = 0;
  for (; i < want && at + 4 <= end; i++) {
    uint32_t len;
    memcpy(&len, arena + at, 4);
    at += 4;
    if (len > end - at)
      break;
    struct fwb_bytes b = {arena + at, len};
    at += len;
    if (i < req->parents) {
      if (i < FWB_MUTATE_MAX_PARENTS)
        owned[i] = none;
      /* A replayed batch keeps every index (the engine sends none too long). */
      if (in.parents < FWB_MUTATE_MAX_PARENTS && (len <= req->max_len || replay)) {
        arena_index[in.parents] = i;
        in.parent[in.parents++] = b;
      }
    } else if (in.tokens < FWB_MUTATE_MAX_TOKENS && len > 0) {
      in.token[in.tokens++] = b;
    }
  }
  if (i < want || replay)
    return;
  /* The owned lists: a count, then that many 4-byte features, stored unaligned. */
  uint32_t lists = req->owned < req->parents ? req->owned : req->parents;
  for (uint32_t k = 0; k < lists && k < FWB_MUTATE_MAX_PARENTS && at + 4 <= end; k++) {
    uint32_t n;
    memcpy(&n, arena + at, 4);
    at += 4;
    if (n > (end - at) / 4)
      break;
    owned[k] = (struct fwb_bytes){arena + at, n};
    at += 4 * n;
  }
}

/* Whether this run's counters hold every feature of `list` (counter index * 8 + bucket). */
FWB_NO_SANITIZE static int holds_all(const uint8_t *c, uint32_t capacity,
                                     const struct fwb_bytes *list) {
  if (list->len == 0)
    return 0;
  for (uint32_t k = 0; k < list->len; k++) {
    uint32_t f;
    memcpy(&f, list->data + 4 * k, 4);
    uint32_t at = f >> 3;
    if (at >= capacity || bucket[c[at]] != (uint8_t)(1u << (f & 7)))
      return 0;
  }
  return 1;
}

/* The comparison slots some run filled: the table keeps the last operands of each compare. */
FWB_NO_SANITIZE static void read_compares(struct fwb_shm *shm) {
  const struct fwb_cmp_slot *cmp = (const struct fwb_cmp_slot *)fwb_shm_at(shm, shm->cmp_offset);
  const struct fwb_memcmp_slot *mem =
      (const struct fwb_memcmp_slot *)fwb_shm_at(shm, shm->memcmp_offset);
  in.cmps = in.memcmps = 0;
  if (!shm->cmp_enabled)
    return;
  for (uint32_t i = 0; i < FWB_CMP_SLOTS; i++)
    if (cmp[i].size != 0)
      in.cmp[in.cmps++] = &cmp[i];
  for (uint32_t i = 0; i < FWB_MEMCMP_SLOTS; i++)
    if (mem[i].len1 != 0 || mem[i].len2 != 0)
      in.memcmp[in.memcmps++] = &mem[i];
}

/* Whether counters [begin, end) hold a bucket bit the virgin map lacks. Most counters are zero
 * after a run, so whole zero words are skipped with one test. */
FWB_NO_SANITIZE static int has_new_bits(const uint8_t *c, const uint8_t *virgin, uint32_t begin,
                                        uint32_t end) {
  uint32_t i = begin;
  for (; i < end && (i & 7) != 0; i++)
    if (bucket[c[i]] & ~virgin[i])
      return 1;
  for (; i + 8 <= end; i += 8) {
    uint64_t word;
    memcpy(&word, c + i, 8);
    if (word == 0)
      continue;
    for (uint32_t j = i; j < i + 8; j++)
      if (bucket[c[j]] & ~virgin[j])
        return 1;
  }
  for (; i < end; i++)
    if (bucket[c[i]] & ~virgin[i])
      return 1;
  return 0;
}

/* The next mutant: a parent picked anew (*from says which) once the last one is MUTATE_DEPTH
 * mutations deep, then one more mutation. */
FWB_NO_SANITIZE static void step(struct fwb_mutant *m, uint32_t *depth, uint32_t *from,
                                 const struct fwb_bytes **other, const struct fwb_mutate *req,
                                 uint32_t max_len, struct fwb_rng *rng) {
  if (*depth == MUTATE_DEPTH) {
    *from = in.parents ? fwb_rng_below(rng, in.parents) : UINT32_MAX;
    const struct fwb_bytes *parent = in.parents ? &in.parent[*from] : &none;
    *other = in.parents > 1 ? &in.parent[fwb_rng_below(rng, in.parents)] : &none;
    uint32_t cap = parent->len > req->len_limit ? parent->len : req->len_limit;
    m->cap = cap < max_len ? (cap ? cap : 1) : max_len;
    fwb_mutant_start(m, parent, rng);
    *depth = 0;
  }
  fwb_mutate_once(m, *other, &in, rng);
  (*depth)++;
}

FWB_NO_SANITIZE static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Runs one mutant and records how long it took (the vDSO clock costs tens of nanoseconds); *leaky
 * says whether it left more allocations than frees. */
FWB_NO_SANITIZE static int run_mutant(struct fwb_shm *shm, struct fwb_mutate *req, uint32_t len,
                                      int *leaky, int compares) {
  shm->input_len = len;
  fwb_cmp_pause(!compares);
  uint32_t n;
  const uint8_t *data = fwb_input_prepare(shm, &n);
  fwb_cmp_begin_input();
  fwb_leaks_begin();
  uint64_t t0 = now_us();
  int ret = LLVMFuzzerTestOneInput(data, n);
  uint64_t took = now_us() - t0;
  fwb_cmp_pause(0);
  req->last_us = took < UINT32_MAX ? (uint32_t)took : UINT32_MAX;
  *leaky = fwb_leaks_end(shm, data, n);
  fwb_input_release(data);
  return ret;
}

FWB_NO_SANITIZE uint32_t fwb_mutate_batch(struct fwb_shm *shm, uint32_t budget, int *ret) {
  struct fwb_mutate *req = (struct fwb_mutate *)fwb_shm_at(shm, shm->mutate_offset);
  const uint8_t *arena = (const uint8_t *)(req + 1);
  if (!bucket[1])
    init_buckets();
  if (!scratch) {
    scratch = malloc(shm->input_capacity ? shm->input_capacity : 1);
    if (!scratch) {
      fprintf(stderr, "fuzzwb: cannot allocate %u bytes for mutants\n", shm->input_capacity);
      fwb_child_exit(2);
    }
  }
  read_arena(req, arena, shm->mutate_capacity);
  const int replay = (req->flags & FWB_MUTATE_REPLAY) != 0;
  uint32_t max_len = req->max_len < shm->input_capacity ? req->max_len : shm->input_capacity;
  if (max_len == 0)
    max_len = 1;
  uint8_t *counters = fwb_shm_at(shm, shm->counters_offset);
  const uint8_t *virgin = fwb_shm_at(shm, shm->virgin_offset);
  const uint32_t tail = shm->counters_capacity - FWB_GCC_SLOTS;
  struct fwb_rng rng = {req->seed};
  struct fwb_mutant m = {fwb_shm_at(shm, shm->input_offset), scratch, 0, 0};
  uint32_t count = req->count < budget ? req->count : budget;
  uint32_t i = 0;
  *ret = 0;
  req->found_new = 0;
  req->reduced = 0;
  const struct fwb_bytes *other = &none;
  uint32_t depth = MUTATE_DEPTH;
  uint32_t from = UINT32_MAX;
  /* A child that runs one mutant only (fork mode) never gets to stack the next mutation on this
   * one, so it makes the whole stack at once: 1 to MUTATE_DEPTH mutations, as deep as the
   * mutants libFuzzer's stepping runs. */
  const uint32_t stack = count == 1 && !replay ? 1 + fwb_rng_below(&rng, MUTATE_DEPTH) : 1;
  while (i < count) {
    /* Operands change as the mutants reach further; a scan of the table costs a few runs. */
    if (!replay && (i & (COMPARES_EVERY - 1)) == 0)
      read_compares(shm);
    if (replay) {
      uint32_t k = req->first + i;
      if (k >= in.parents)
        break;
      uint32_t len =
          in.parent[k].len < shm->input_capacity ? in.parent[k].len : shm->input_capacity;
      memcpy(m.data, in.parent[k].data, len);
      m.len = len;
    } else {
      /* As libFuzzer does: a parent's mutant gets one more mutation per run, up to the depth,
       * and each step runs, so shallow and deep mutants of every pick are tried. */
      for (uint32_t k = 0; k < stack; k++)
        step(&m, &depth, &from, &other, req, max_len, &rng);
    }
    /* Counted before it runs: a crash or a hang of this mutant must find it in the input
     * region and `done` pointing at it. */
    uint32_t used = shm->counters_used < tail ? shm->counters_used : tail;
    memset(counters, 0, used);
    if (shm->gcc_mode)
      memset(counters + tail, 0, FWB_GCC_SLOTS);
    __atomic_store_n(&req->done, ++i, __ATOMIC_RELAXED);
    int leaky;
    static uint32_t sample;
    *ret = run_mutant(shm, req, m.len, &leaky, replay || sample++ % COMPARES_SAMPLE == 0);
    /* Modules dlopened by the mutant added counters: read the bounds again. */
    used = shm->counters_used < tail ? shm->counters_used : tail;
    if (has_new_bits(counters, virgin, 0, used) ||
        (shm->gcc_mode && has_new_bits(counters, virgin, tail, shm->counters_capacity))) {
      req->found_new = 1;
      break;
    }
    /* libFuzzer's -reduce_inputs: a shorter mutant that holds all its parent alone held can
     * take the parent's place, and the corpus gets cheaper to run with nothing lost. */
    if (from < in.parents && m.len < in.parent[from].len &&
        arena_index[from] < FWB_MUTATE_MAX_PARENTS &&
        holds_all(counters, shm->counters_capacity, &owned[arena_index[from]])) {
      req->reduced = arena_index[from] + 1;
      break;
    }
    /* The engine checks it for leaks in a fresh child, which needs the input in the region; a
     * slow unit it writes out from there. */
    if (leaky || (req->slow_ms && req->last_us >= (uint64_t)req->slow_ms * 1000u))
      break;
  }
  return i;
}
