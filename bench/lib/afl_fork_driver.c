/* AFL++ driver without persistent mode: the fork server forks one child per input, which runs the
 * libFuzzer harness once on the test case AFL++ put in shared memory, then exits. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__AFL_FUZZ_INIT();

int main(void) {
  /* Deferred start: the fork server begins after ASan's and libc's start-up, the cheapest
   * non-persistent set-up AFL++ offers. No __AFL_LOOP, so afl-fuzz runs it non-persistent. */
  __AFL_INIT();
  const uint8_t *data = __AFL_FUZZ_TESTCASE_BUF;
  return LLVMFuzzerTestOneInput(data, (size_t)__AFL_FUZZ_TESTCASE_LEN);
}
