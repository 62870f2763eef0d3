/* Deadly-signal reports for targets whose sanitizers do not handle a signal themselves. */
#define _GNU_SOURCE
#include <execinfo.h>
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

/* Only async-signal-safe formatting below: no stdio, no malloc. */
static size_t put_str(char *buf, size_t at, size_t cap, const char *s) {
  while (*s && at + 1 < cap)
    buf[at++] = *s++;
  return at;
}

static size_t put_num(char *buf, size_t at, size_t cap, unsigned long v, unsigned base) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n && at + 1 < cap)
    buf[at++] = digits[--n];
  return at;
}

static const char *signal_name(int sig) {
  for (size_t i = 0; i < sizeof deadly / sizeof deadly[0]; i++)
    if (deadly[i].sig == sig)
      return deadly[i].name;
  return "signal";
}

static void write_all(const char *buf, size_t len) {
  while (len) {
    ssize_t n = write(STDERR_FILENO, buf, len);
    if (n <= 0)
      return;
    buf += n;
    len -= (size_t)n;
  }
}

FWB_NO_SANITIZE static void on_deadly_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  char line[256];
  size_t at = put_str(line, 0, sizeof line, "==");
  at = put_num(line, at, sizeof line, (unsigned long)getpid(), 10);
  at = put_str(line, at, sizeof line, "==ERROR: fuzzwb: deadly signal ");
  at = put_str(line, at, sizeof line, signal_name(sig));
  at = put_str(line, at, sizeof line, " on address 0x");
  at = put_num(line, at, sizeof line, (unsigned long)(uintptr_t)info->si_addr, 16);
  at = put_str(line, at, sizeof line, "\n");
  write_all(line, at);
  void *frames[64];
  int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  at = put_str(line, 0, sizeof line, "SUMMARY: fuzzwb: deadly signal ");
  at = put_str(line, at, sizeof line, signal_name(sig));
  at = put_str(line, at, sizeof line, "\n");
  write_all(line, at);
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
  /* backtrace() loads the unwinder on first use, which allocates: do it now, not in a handler. */
  void *warm[1];
  backtrace(warm, 1);
}
