/* AFL++ persistent-mode driver of the exec benchmark: test cases arrive in shared memory. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs per child; the build passes the engine contender's persistent count so both match. */
#ifndef BENCH_PERSISTENT
#error "build with -DBENCH_PERSISTENT=N"
#endif

__AFL_FUZZ_INIT();

int main(void) {
  /* Deferred start: the fork server begins here, after the runtime's start-up, as AFL++'s
   * persistent-mode guide recommends. */
  __AFL_INIT();
  const uint8_t *data = __AFL_FUZZ_TESTCASE_BUF;
  while (__AFL_LOOP(BENCH_PERSISTENT)) {
    LLVMFuzzerTestOneInput(data, (size_t)__AFL_FUZZ_TESTCASE_LEN);
  }
  return 0;
}
