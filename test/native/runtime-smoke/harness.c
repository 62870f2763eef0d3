/* Test harness for the runtime smoke test: each first byte selects a behaviour to check. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int init_ran;
static volatile unsigned long spins;
static int after_fork_calls;
static int calls;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  init_ran = 1;
  return 0;
}

/* FUZZWB_TEST_SPARE_CRASH: "always" crashes every fresh child before it takes an input, "hang"
 * keeps it from ever taking one; a path crashes the one child that manages to remove that file. */
void fuzzwb_after_fork(void) {
  after_fork_calls++;
  const char *crash = getenv("FUZZWB_TEST_SPARE_CRASH");
  if (crash && strcmp(crash, "hang") == 0)
    pause();
  if (crash && (strcmp(crash, "always") == 0 || unlink(crash) == 0))
    __builtin_trap();
}

/* Nested branches so that longer matching prefixes reach more edges. */
static int prefix_depth(const uint8_t *d, size_t n) {
  if (n > 1 && d[1] == 'U') {
    if (n > 2 && d[2] == 'Z') {
      if (n > 3 && d[3] == 'Z')
        return 3;
      return 2;
    }
    return 1;
  }
  return 0;
}

/* A hang in a function of its own, whose name the stack the engine asks for must show. */
static __attribute__((noinline)) void spin_forever(void) {
  for (;;)
    spins++;
}

static int run_plugin(const uint8_t *d, size_t n) {
  const char *path = getenv("FUZZWB_TEST_PLUGIN");
  void *lib = path ? dlopen(path, RTLD_NOW) : NULL;
  int (*fn)(const uint8_t *, size_t) =
      lib ? (int (*)(const uint8_t *, size_t))dlsym(lib, "plugin_run") : NULL;
  return fn ? fn(d, n) : -100;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  calls++;
  if (n == 0)
    return 0;
  uint32_t word = 0;
  switch (d[0]) {
  case 'F':
    return prefix_depth(d, n);
  case 'N':
    return calls;
  case 'H':
    return after_fork_calls * 100 + init_ran;
  case 'O':
    return d[n]; /* one past the exact-size copy: a heap-buffer-overflow under ASan */
  case 'U':
    return d[-1]; /* one before the input: ASan's poisoned window reports it */
  case 'S':
    *(volatile int *)(uintptr_t)16 = 1;
    return 0;
  case 'A':
    abort();
  case 'E':
    exit(3);
  case 'T':
    __builtin_trap();
  case 'M':
    return n >= 10 && memcmp(d + 1, "MAGICWORD", 9) == 0 ? 7 : 0;
  case 'C':
    if (n >= 5)
      memcpy(&word, d + 1, 4);
    return word == 0x46555A5Au ? 8 : 0;
  case 'W':
    sleep(30); /* outlives its fork server unless PR_SET_PDEATHSIG kills it */
    return 0;
  case 'D':
    return run_plugin(d, n);
  case 'L':
    spin_forever();
    return 0;
  default:
    return 0;
  }
}
