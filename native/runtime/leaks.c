/* Leak detection as libFuzzer does it: allocations counted per input, LSan's check on request. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdio_ext.h>

#include "runtime.h"

typedef void (*malloc_hook_fn)(const volatile void *ptr, size_t size);
typedef void (*free_hook_fn)(const volatile void *ptr);
typedef int (*install_hooks_fn)(malloc_hook_fn, free_hook_fn);
typedef int (*leak_check_fn)(void);

/* Looked up with dlsym, as the other sanitizer entry points are: a weak reference would change
 * how the target links. Both must be there: counting without a check to follow only costs. */
static leak_check_fn leak_check;

/* Counted in every thread of the child; relaxed atomics, since only the totals matter. */
static uint64_t mallocs, frees;
static uint64_t mallocs_at, frees_at;

FWB_NO_SANITIZE static void on_malloc(const volatile void *ptr, size_t size) {
  (void)ptr;
  (void)size;
  __atomic_fetch_add(&mallocs, 1, __ATOMIC_RELAXED);
}

FWB_NO_SANITIZE static void on_free(const volatile void *ptr) {
  (void)ptr;
  __atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
}

void fwb_leaks_install(struct fwb_shm *shm) {
  if (!(shm->leak_mode & FWB_LEAK_WATCH))
    return;
  install_hooks_fn install =
      (install_hooks_fn)dlsym(RTLD_DEFAULT, "__sanitizer_install_malloc_and_free_hooks");
  leak_check_fn check = (leak_check_fn)dlsym(RTLD_DEFAULT, "__lsan_do_recoverable_leak_check");
  if (install && check && install(on_malloc, on_free))
    leak_check = check;
}

FWB_NO_SANITIZE void fwb_leaks_begin(void) {
  mallocs_at = __atomic_load_n(&mallocs, __ATOMIC_RELAXED);
  frees_at = __atomic_load_n(&frees, __ATOMIC_RELAXED);
}

/* Frees of memory the input did not allocate count too, as in libFuzzer: an input that replaces
 * a cached buffer leaves the balance even. */
FWB_NO_SANITIZE static int more_mallocs(void) {
  uint64_t m = __atomic_load_n(&mallocs, __ATOMIC_RELAXED) - mallocs_at;
  uint64_t f = __atomic_load_n(&frees, __ATOMIC_RELAXED) - frees_at;
  return m > f;
}

/* libFuzzer runs a leaky input once more before it looks for leaks: a first call that fills a
 * cache (every input of a fork-mode child is a first call) is balanced the second time. That
 * run's edges and compares are not the input's, so they go to the side; where the counters
 * cannot, the second run is skipped and the input stays leaky. A child that checks for leaks
 * skips it too: the check decides, and LSan's report shows the input's own allocations. */
FWB_NO_SANITIZE int fwb_leaks_end(struct fwb_shm *shm, const uint8_t *data, uint32_t len) {
  if (!leak_check || !(shm->leak_mode & FWB_LEAK_WATCH))
    return 0;
  int leaky = more_mallocs();
  if (leaky && !(shm->leak_mode & FWB_LEAK_CHECK) && fwb_coverage_private(1)) {
    fwb_cmp_pause(1);
    fwb_leaks_begin();
    LLVMFuzzerTestOneInput(data, len);
    leaky = more_mallocs();
    fwb_cmp_pause(0);
    fwb_coverage_private(0);
  }
  shm->exec_leaky = (uint32_t)leaky;
  return leaky;
}

/* The engine asks in a fresh child only, so what LSan finds unreachable was lost by this input
 * (or by the start-up every child shares, which libFuzzer reports at its first check too). */
FWB_NO_SANITIZE void fwb_leaks_check(struct fwb_shm *shm) {
  if (!leak_check || !(shm->leak_mode & FWB_LEAK_CHECK))
    return;
  if (__fpending(stdout))
    fflush(stdout);
  if (leak_check())
    fwb_child_exit(FWB_SANITIZER_EXITCODE);
}
