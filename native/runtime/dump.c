/* The stack of an input the engine is about to kill (timeout, RSS limit), printed on its signal. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <string.h>

#include "runtime.h"

static struct fwb_shm *dump_shm;

/* The sanitizer's own stack printer: it symbolizes (unless symbolize=0) and prints frames in the
 * `#N 0xPC in func file:line` shape, like the rest of a sanitizer report. Looked up at run time,
 * so a target without a sanitizer links the same, and never in the handler (dlsym allocates). */
static void (*sanitizer_print_stack)(void);

/* Appends " (after N ms)" or " (rss N MB > limit M MB)" and returns the SUMMARY's words. */
FWB_NO_SANITIZE static const char *describe(uint32_t reason, char *line, size_t *at, size_t cap) {
  uint32_t value = __atomic_load_n(&dump_shm->dump_value, __ATOMIC_RELAXED);
  if (reason == FWB_DUMP_RSS) {
    uint32_t limit = __atomic_load_n(&dump_shm->dump_limit, __ATOMIC_RELAXED);
    *at = fwb_put_str(line, *at, cap, "out-of-memory (rss ");
    *at = fwb_put_num(line, *at, cap, value, 10);
    *at = fwb_put_str(line, *at, cap, " MB > limit ");
    *at = fwb_put_num(line, *at, cap, limit, 10);
    *at = fwb_put_str(line, *at, cap, " MB)\n");
    return "out-of-memory\n";
  }
  if (reason == FWB_DUMP_TIMEOUT) {
    *at = fwb_put_str(line, *at, cap, "timeout (after ");
    *at = fwb_put_num(line, *at, cap, value, 10);
    *at = fwb_put_str(line, *at, cap, " ms)\n");
    return "timeout\n";
  }
  /* Someone other than the engine sent the signal: still worth a stack. */
  *at = fwb_put_str(line, *at, cap, "stack requested (signal ");
  *at = fwb_put_num(line, *at, cap, FWB_DUMP_SIGNAL, 10);
  *at = fwb_put_str(line, *at, cap, ")\n");
  return "stack requested\n";
}

/* Runs in a child that hangs or hoards memory, usually in a loop of the harness. It writes with
 * write(2) only and never mallocs (the unwinder was loaded ahead), so a child stuck inside malloc
 * still prints; if the sanitizer's printer blocks on a lock the child holds, the engine's
 * SIGKILL after its grace ends the child anyway. */
FWB_NO_SANITIZE static void fwb_on_dump_signal(int sig) {
  (void)sig;
  uint32_t reason = __atomic_load_n(&dump_shm->dump_reason, __ATOMIC_ACQUIRE);
  char line[256];
  size_t at = fwb_put_pid_prefix(line, sizeof line);
  const char *summary = describe(reason, line, &at, sizeof line);
  fwb_write_stderr(line, at);
  if (sanitizer_print_stack)
    sanitizer_print_stack();
  else
    fwb_print_backtrace();
  at = fwb_put_str(line, 0, sizeof line, "SUMMARY: fuzzwb: ");
  at = fwb_put_str(line, at, sizeof line, summary);
  fwb_write_stderr(line, at);
  fwb_child_exit(reason == FWB_DUMP_RSS ? FWB_OOM_EXITCODE : FWB_TIMEOUT_EXITCODE);
}

void fwb_dump_install(struct fwb_shm *shm) {
  struct sigaction old;
  /* A harness that handles the signal itself keeps it; the engine's SIGKILL still ends it. */
  if (sigaction(FWB_DUMP_SIGNAL, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
      old.sa_handler != SIG_DFL)
    return;
  dump_shm = shm;
  sanitizer_print_stack = (void (*)(void))dlsym(RTLD_DEFAULT, "__sanitizer_print_stack_trace");
  if (!sanitizer_print_stack)
    fwb_backtrace_warm();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fwb_on_dump_signal;
  /* The report is the child's last act: nothing else may run in between. */
  sigfillset(&sa.sa_mask);
  sigaction(FWB_DUMP_SIGNAL, &sa, NULL);
}
