/* Deadly-signal reports for targets whose sanitizers do not handle a signal themselves. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

static const struct {
  int sig;
  const char *name;
} deadly[] = {
    {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGILL, "SIGILL"},
    {SIGFPE, "SIGFPE"},   {SIGABRT, "SIGABRT"},
};

/* Stack overflows fault on the normal stack, so the report needs a stack of its own. */
static char alt_stack[64 * 1024];

static const char *signal_name(int sig) {
  for (size_t i = 0; i < sizeof deadly / sizeof deadly[0]; i++)
    if (deadly[i].sig == sig)
      return deadly[i].name;
  return "signal";
}

FWB_NO_SANITIZE static void on_deadly_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  char line[256];
  size_t at = fwb_put_pid_prefix(line, sizeof line);
  at = fwb_put_str(line, at, sizeof line, "deadly signal ");
  at = fwb_put_str(line, at, sizeof line, signal_name(sig));
  at = fwb_put_str(line, at, sizeof line, " on address 0x");
  at = fwb_put_num(line, at, sizeof line, (unsigned long)(uintptr_t)info->si_addr, 16);
  at = fwb_put_str(line, at, sizeof line, "\n");
  fwb_write_stderr(line, at);
  fwb_print_backtrace();
  at = fwb_put_str(line, 0, sizeof line, "SUMMARY: fuzzwb: deadly signal ");
  at = fwb_put_str(line, at, sizeof line, signal_name(sig));
  at = fwb_put_str(line, at, sizeof line, "\n");
  fwb_write_stderr(line, at);
  /* Die of the same signal so the engine still sees "killed by signal". */
  signal(sig, SIG_DFL);
  raise(sig);
}

void fwb_signals_install(void) {
  int installed = 0;
  for (size_t i = 0; i < sizeof deadly / sizeof deadly[0]; i++) {
    struct sigaction old;
    /* A sanitizer that handles the signal reports better than we can: leave it alone. */
    if (sigaction(deadly[i].sig, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
        old.sa_handler != SIG_DFL)
      continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_deadly_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(deadly[i].sig, &sa, NULL);
    installed = 1;
  }
  if (!installed)
    return;
  stack_t current;
  if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
  }
  fwb_backtrace_warm();
}
