/* Minimal sanitizer-coverage callbacks for the baseline fork loops, which cannot link the fuzzwb
 * runtime (it brings its own main): a guard bumps a byte counter, as a real runtime's would. */
#include <stdint.h>

#define COUNTERS (1u << 16)

static uint8_t counters[COUNTERS];
static uint32_t next_guard;

/* Called once per module, possibly more than once: a non-zero first guard means "done". */
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop) {
  if (start == stop || *start != 0)
    return;
  for (uint32_t *g = start; g < stop; g++)
    *g = ++next_guard % COUNTERS;
}

void __sanitizer_cov_trace_pc_guard(uint32_t *guard) { counters[*guard]++; }

/* The loops only measure fork cost; PC tables and comparison operands are not recorded, which
 * makes the baselines slightly cheaper per input than a real fuzzer, never dearer. */
void __sanitizer_cov_pcs_init(const uintptr_t *begin, const uintptr_t *end) {
  (void)begin;
  (void)end;
}

void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b) {
  (void)a;
  (void)b;
}

void __sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases) {
  (void)val;
  (void)cases;
}
