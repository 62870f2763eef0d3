/* Edge coverage callbacks: clang trace-pc-guard with pc-table, and gcc trace-pc. */
#include "runtime.h"

/* Counters hit before shared memory exists (constructors, reproduce mode) land here, as in
 * AFL++; untouched pages of this buffer cost nothing. Its last FWB_GCC_SLOTS bytes are the gcc
 * tail. */
static uint8_t fallback_counters[FWB_DEFAULT_COUNTERS];

static uint8_t *counters = fallback_counters;
static uint8_t *gcc_tail = fallback_counters + FWB_DEFAULT_COUNTERS - FWB_GCC_SLOTS;
static uint64_t *gcc_pcs; /* shared PCs of the gcc tail, NULL until the fork server attaches */
static uint32_t *gcc_mode;
static uint8_t *shared_counters, *shared_tail;
static int private_fits; /* every guard index the engine's capacity allows fits the fallback */

FWB_NO_SANITIZE void fwb_coverage_attach(struct fwb_shm *shm) {
  fwb_modules_attach(shm);
  uint32_t limit = shm->counters_capacity - FWB_GCC_SLOTS;
  counters = fwb_shm_at(shm, shm->counters_offset);
  gcc_pcs = (uint64_t *)fwb_shm_at(shm, shm->pcs_offset) + limit;
  gcc_mode = &shm->gcc_mode;
  shm->gcc_mode = 0;
  gcc_tail = counters + limit;
  shared_counters = counters;
  shared_tail = gcc_tail;
  private_fits = limit <= FWB_DEFAULT_COUNTERS;
}

/* A spare runs fuzzwb_after_fork while the previous input runs and the engine reads and zeroes
 * the shared counters; the hook's edges would land in some other input's map, so a spare counts
 * them in the fallback buffer instead (its pages are copies private to the child). */
FWB_NO_SANITIZE int fwb_coverage_private(int on) {
  if (!shared_counters || !private_fits)
    return 0;
  counters = on ? fallback_counters : shared_counters;
  gcc_tail = on ? fallback_counters + FWB_DEFAULT_COUNTERS - FWB_GCC_SLOTS : shared_tail;
  return 1;
}

FWB_API void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop) {
  /* Called once per module constructor, and again for the same range in some link setups. */
  if (start == stop || *start)
    return;
  fwb_modules_add_guards(start, stop);
}

FWB_API void __sanitizer_cov_pcs_init(const uintptr_t *pcs_beg, const uintptr_t *pcs_end) {
  if (pcs_beg != pcs_end)
    fwb_modules_add_pcs(pcs_beg, pcs_end);
}

FWB_API FWB_NO_SANITIZE void __sanitizer_cov_trace_pc_guard(uint32_t *guard) {
  uint8_t *c = &counters[*guard];
  uint8_t v = *c;
  *c = (uint8_t)(v + (v != 0xff));
}

/* First hit of a gcc slot since the engine zeroed the counters: name the slot's PC once. */
FWB_NO_SANITIZE __attribute__((noinline)) static void gcc_first_hit(uint32_t slot, uintptr_t pc) {
  if (!gcc_pcs || gcc_pcs[slot])
    return;
  *gcc_mode = 1;
  gcc_pcs[slot] = fwb_modules_gcc_pc(pc);
}

FWB_API FWB_NO_SANITIZE void __sanitizer_cov_trace_pc(void) {
  uintptr_t pc = (uintptr_t)__builtin_return_address(0);
  /* Fibonacci hashing: the top bits of the product spread nearby return addresses. */
  uint32_t slot =
      (uint32_t)(((uint64_t)pc * 0x9E3779B97F4A7C15ull) >> (64 - __builtin_ctz(FWB_GCC_SLOTS)));
  uint8_t *c = &gcc_tail[slot];
  uint8_t v = *c;
  *c = (uint8_t)(v + (v != 0xff));
  if (__builtin_expect(v == 0, 0))
    gcc_first_hit(slot, pc);
}
