/* Entry point of every fuzz target: picks fork-server or reproduce mode; holds the marker. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>

#include "runtime.h"

/* The engine looks for this string in a binary before it starts it: `used` keeps the compiler
 * from dropping it and `retain` keeps the linker's section GC from doing so. */
FWB_API __attribute__((used, retain)) const char fuzzwb_runtime_marker[] = FWB_RUNTIME_MARKER;

/* Load base of the object defining name, or 0 when no loaded object exports it. */
static uintptr_t defined_in(const char *name) {
  Dl_info info;
  void *sym = dlsym(RTLD_DEFAULT, name);
  return sym && dladdr(sym, &info) ? (uintptr_t)info.dli_fbase : 0;
}

/* The sanitizer runtimes export their entry points, so their presence is visible at run time
 * without weak references that would change how the target links. clang's ASan and MSan
 * runtimes carry UBSan's handlers whether or not UBSan checks were compiled in, so UBSan counts
 * only as a runtime of its own: standalone (clang, also linked for coverage-only builds, where it
 * reports deadly signals) or gcc's separate libubsan. */
uint32_t fwb_detect_sanitizers(void) {
  uintptr_t asan = defined_in("__asan_init");
  uintptr_t msan = defined_in("__msan_init");
  uintptr_t ubsan = defined_in("__ubsan_handle_add_overflow");
  uint32_t flags = 0;
  if (asan)
    flags |= FWB_RT_ASAN;
  if (msan)
    flags |= FWB_RT_MSAN;
  if (ubsan && ubsan != asan && ubsan != msan)
    flags |= FWB_RT_UBSAN;
  return flags;
}

int fwb_run_init_hook(int *argc, char ***argv) {
  static int done;
  if (done || !LLVMFuzzerInitialize)
    return 0;
  done = 1;
  LLVMFuzzerInitialize(argc, argv);
  return 1;
}

FWB_API int main(int argc, char **argv) {
  /* Reference the marker from code as well, for linkers that ignore `retain`. */
  __asm__ volatile("" : : "r"(fuzzwb_runtime_marker));
  fwb_signals_install();
  if (getenv(FWB_ENV_FORKSERVER))
    fwb_forkserver_main(argc, argv);
  return fwb_reproduce_main(argc, argv);
}
