/* Comparison tracing (trace-cmp and the sanitizers' memcmp/strcmp hooks) into shared slots. */
#include <string.h>

#include "runtime.h"

/* Before attaching, and whenever the engine turns recording off, every hook returns after one
 * load of this flag, which points at a constant zero until shared memory exists. */
static const uint32_t cmp_off;
static const volatile uint32_t *cmp_enabled = &cmp_off;
static const volatile uint32_t *cmp_shared_enabled = &cmp_off;
static struct fwb_cmp_slot *cmp_slots;
static struct fwb_memcmp_slot *memcmp_slots;
/* Compares recorded since the input started (see FWB_CMP_ORDER_SHIFT). */
static uint32_t cmp_order;

FWB_NO_SANITIZE void fwb_cmp_attach(struct fwb_shm *shm) {
  cmp_slots = (struct fwb_cmp_slot *)fwb_shm_at(shm, shm->cmp_offset);
  memcmp_slots = (struct fwb_memcmp_slot *)fwb_shm_at(shm, shm->memcmp_offset);
  cmp_enabled = cmp_shared_enabled = &shm->cmp_enabled;
}

FWB_NO_SANITIZE void fwb_cmp_begin_input(void) { cmp_order = 0; }

FWB_NO_SANITIZE void fwb_cmp_pause(int paused) {
  cmp_enabled = paused ? &cmp_off : cmp_shared_enabled;
}

static inline uint32_t slot_of(uintptr_t pc, uint32_t slots) {
  return (uint32_t)(((uint64_t)pc * 0x9E3779B97F4A7C15ull) >> 32) & (slots - 1);
}

FWB_NO_SANITIZE static inline void record(uintptr_t pc, uint64_t arg1, uint64_t arg2, uint32_t size,
                                          uint32_t flags) {
  /* Equal operands teach the mutator little and would overwrite a useful unequal pair; the
   * engine asks for them in a cleared table only (FWB_CMP_EQUAL_TOO). */
  uint32_t enabled = *cmp_enabled;
  if (!enabled || (arg1 == arg2 && enabled != FWB_CMP_EQUAL_TOO))
    return;
  struct fwb_cmp_slot *s = &cmp_slots[slot_of(pc, FWB_CMP_SLOTS)];
  if (arg1 == arg2 && s->size != 0)
    return;
  s->arg1 = arg1;
  s->arg2 = arg2;
  s->size = size;
  s->flags = flags | ++cmp_order << FWB_CMP_ORDER_SHIFT;
  s->pc = pc;
}

FWB_NO_SANITIZE static void record_mem(const void *pc, const void *s1, size_t n1, const void *s2,
                                       size_t n2) {
  struct fwb_memcmp_slot *s = &memcmp_slots[slot_of((uintptr_t)pc, FWB_MEMCMP_SLOTS)];
  n1 = n1 < FWB_MEMCMP_MAX ? n1 : FWB_MEMCMP_MAX;
  n2 = n2 < FWB_MEMCMP_MAX ? n2 : FWB_MEMCMP_MAX;
  memcpy(s->s1, s1, n1);
  memcpy(s->s2, s2, n2);
  s->len1 = (uint32_t)n1;
  s->len2 = (uint32_t)n2;
  s->pc = (uint64_t)(uintptr_t)pc;
}

#define CALLER() ((uintptr_t)__builtin_return_address(0))

FWB_API void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b) { record(CALLER(), a, b, 1, 0); }
FWB_API void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b) { record(CALLER(), a, b, 2, 0); }
FWB_API void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b) { record(CALLER(), a, b, 4, 0); }
FWB_API void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b) { record(CALLER(), a, b, 8, 0); }

FWB_API void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b) {
  record(CALLER(), a, b, 1, FWB_CMP_CONST);
}
FWB_API void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b) {
  record(CALLER(), a, b, 2, FWB_CMP_CONST);
}
FWB_API void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b) {
  record(CALLER(), a, b, 4, FWB_CMP_CONST);
}
FWB_API void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b) {
  record(CALLER(), a, b, 8, FWB_CMP_CONST);
}

/* gcc traces floating-point compares too; their bit patterns are still useful constants. */
FWB_API void __sanitizer_cov_trace_cmpf(float a, float b) {
  uint32_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  record(CALLER(), x, y, 4, 0);
}
FWB_API void __sanitizer_cov_trace_cmpd(double a, double b) {
  uint64_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  record(CALLER(), x, y, 8, 0);
}

/* cases[0] is the number of cases, cases[1] the operand width in bits, then the case values,
 * sorted ascending. Only the cases either side of the value (found by bisection) and one other
 * in turn are recorded: a parser's big switch runs on every byte, and a loop over all its cases
 * cost more than the rest of the run (lcms: 6% of the target's time). */
FWB_API FWB_NO_SANITIZE void __sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases) {
  if (!*cmp_enabled)
    return;
  uintptr_t pc = CALLER();
  uint64_t n = cases[0];
  uint32_t size = (uint32_t)(cases[1] / 8);
  const uint64_t *c = cases + 2;
  uint64_t lo = 0, hi = n;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (c[mid] < val)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* lo: the first case >= val. Each recorded case gets a slot of its own (pc + index). */
  if (lo < n)
    record(pc + lo, c[lo], val, size, FWB_CMP_CONST);
  if (lo > 0)
    record(pc + lo - 1, c[lo - 1], val, size, FWB_CMP_CONST);
  /* And one more case in turn, so a value far from all of them still meets each in time. */
  static uint32_t turn;
  if (n > 2) {
    uint64_t k = turn++ % n;
    record(pc + k, c[k], val, size, FWB_CMP_CONST);
  }
}

FWB_API void __sanitizer_cov_trace_div4(uint32_t val) {
  record(CALLER(), 0, val, 4, FWB_CMP_CONST);
}
FWB_API void __sanitizer_cov_trace_div8(uint64_t val) {
  record(CALLER(), 0, val, 8, FWB_CMP_CONST);
}
FWB_API void __sanitizer_cov_trace_gep(uintptr_t idx) {
  record(CALLER(), 0, idx, 8, FWB_CMP_CONST);
}

/* Hooks the sanitizer interceptors call after the real function; a match teaches nothing. */
FWB_API void __sanitizer_weak_hook_memcmp(void *pc, const void *s1, const void *s2, size_t n,
                                          int result) {
  if (*cmp_enabled && result != 0)
    record_mem(pc, s1, n, s2, n);
}

FWB_API void __sanitizer_weak_hook_strncmp(void *pc, const char *s1, const char *s2, size_t n,
                                           int result) {
  if (!*cmp_enabled || result == 0)
    return;
  size_t max = n < FWB_MEMCMP_MAX ? n : FWB_MEMCMP_MAX;
  record_mem(pc, s1, strnlen(s1, max), s2, strnlen(s2, max));
}

FWB_API void __sanitizer_weak_hook_strcmp(void *pc, const char *s1, const char *s2, int result) {
  __sanitizer_weak_hook_strncmp(pc, s1, s2, FWB_MEMCMP_MAX, result);
}

FWB_API void __sanitizer_weak_hook_strncasecmp(void *pc, const char *s1, const char *s2, size_t n,
                                               int result) {
  __sanitizer_weak_hook_strncmp(pc, s1, s2, n, result);
}

FWB_API void __sanitizer_weak_hook_strcasecmp(void *pc, const char *s1, const char *s2,
                                              int result) {
  __sanitizer_weak_hook_strncmp(pc, s1, s2, FWB_MEMCMP_MAX, result);
}

FWB_API void __sanitizer_weak_hook_strstr(void *pc, const char *s1, const char *s2, char *result) {
  if (*cmp_enabled && !result)
    record_mem(pc, s1, strnlen(s1, FWB_MEMCMP_MAX), s2, strnlen(s2, FWB_MEMCMP_MAX));
}

FWB_API void __sanitizer_weak_hook_strcasestr(void *pc, const char *s1, const char *s2,
                                              char *result) {
  __sanitizer_weak_hook_strstr(pc, s1, s2, result);
}

FWB_API void __sanitizer_weak_hook_memmem(void *pc, const void *s1, size_t len1, const void *s2,
                                          size_t len2, void *result) {
  if (*cmp_enabled && !result)
    record_mem(pc, s1, len1, s2, len2);
}
