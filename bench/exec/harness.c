/* Trivial libFuzzer-style harness that every contender of the exec benchmark runs. */
#include <stddef.h>
#include <stdint.h>

/* A few comparisons give the coverage and trace-cmp callbacks something to do, as in a real
 * target, while the work per input stays tiny so the benchmark measures the exec loop. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return 0;
  if (data[0] == 'F' && data[1] == 'U') {
    volatile uint32_t sink = (uint32_t)data[2] << 8 | data[3];
    (void)sink;
  }
  return 0;
}
