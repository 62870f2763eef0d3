/* Async-signal-safe pieces of the runtime's crash reports: line formatting and the stack. */
#define _GNU_SOURCE
#include <execinfo.h>
#include <unistd.h>

#include "runtime.h"

/* Only async-signal-safe formatting here: no stdio, no malloc. */
FWB_NO_SANITIZE size_t fwb_put_str(char *buf, size_t at, size_t cap, const char *s) {
  while (*s && at + 1 < cap)
    buf[at++] = *s++;
  return at;
}

FWB_NO_SANITIZE size_t fwb_put_num(char *buf, size_t at, size_t cap, unsigned long v,
                                   unsigned base) {
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

FWB_NO_SANITIZE size_t fwb_put_pid_prefix(char *buf, size_t cap) {
  size_t at = fwb_put_str(buf, 0, cap, "==");
  at = fwb_put_num(buf, at, cap, (unsigned long)FWB_SYS(getpid), 10);
  return fwb_put_str(buf, at, cap, "==ERROR: fuzzwb: ");
}

FWB_NO_SANITIZE void fwb_write_stderr(const char *buf, size_t len) {
  while (len) {
    ssize_t n = write(STDERR_FILENO, buf, len);
    if (n <= 0)
      return;
    buf += n;
    len -= (size_t)n;
  }
}

FWB_NO_SANITIZE void fwb_print_backtrace(void) {
  void *frames[64];
  int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
}

void fwb_backtrace_warm(void) {
  /* backtrace() loads the unwinder on first use, which allocates: do it now, not in a handler. */
  void *warm[1];
  backtrace(warm, 1);
}
