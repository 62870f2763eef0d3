/* Smoke check of the stack a child prints when the engine signals it before a timeout/RSS kill. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"

/* Starts input L (a hang in spin_forever) and returns the child that took it, 0 when none did. */
static pid_t start_hang(uint32_t seq) {
  e.shm->input_len = 1;
  *((char *)e.shm + e.shm->input_offset) = 'L';
  e.shm->exec_seq = seq;
  e.seq = seq;
  struct fwb_msg run_msg = {.kind = FWB_CMD_RUN, .seq = seq};
  CHECK(write(e.ctl, &run_msg, sizeof run_msg) == (ssize_t)sizeof run_msg, "RUN not written");
  pid_t child = 0;
  for (int i = 0; i < 500 && !child; i++) {
    pause_ms(10);
    child = engine_running(&e, seq);
  }
  return child;
}

/* Signals as the addon does and waits for the child's EXIT; its wait status, -1 when none came. */
static int ask_for_stack(pid_t child, uint32_t reason) {
  e.out_len = 0;
  e.out[0] = '\0';
  __atomic_store_n(&e.shm->dump_value, reason == FWB_DUMP_RSS ? 321u : 1234u, __ATOMIC_RELAXED);
  __atomic_store_n(&e.shm->dump_limit, 300u, __ATOMIC_RELAXED);
  __atomic_store_n(&e.shm->dump_reason, reason, __ATOMIC_RELEASE);
  kill(child, FWB_DUMP_SIGNAL);
  struct fwb_msg m;
  while (engine_next_msg(&e, &m) == 0) {
    e.exits += m.kind == FWB_MSG_EXIT;
    if (m.kind == FWB_MSG_EXIT && m.pid == child)
      return m.value;
  }
  kill(child, SIGKILL);
  return -1;
}

/* `dump TARGET timeout|rss PERSISTENT TEXT`: the stack report names spin_forever (TEXT is how
 * this build's frames show it), ends with SUMMARY and the exit code of its kind. */
int check_dump(char *target, const char *kind, unsigned persistent, const char *text) {
  struct engine_options opts;
  engine_defaults(&opts);
  opts.persistent = persistent;
  start(target, &opts);
  /* In persistent mode the hang is not the child's first input. */
  struct run_result r = run("FUZ");
  CHECK(r.done && r.ret == 2, "FUZ returned %d", r.ret);
  uint32_t reason = strcmp(kind, "rss") == 0 ? FWB_DUMP_RSS : FWB_DUMP_TIMEOUT;
  pid_t child = start_hang(e.seq + 1);
  CHECK(child > 0, "no child took the hanging input");
  if (child <= 0)
    return failures;
  pause_ms(50);
  int status = ask_for_stack(child, reason);
  int code = reason == FWB_DUMP_RSS ? FWB_OOM_EXITCODE : FWB_TIMEOUT_EXITCODE;
  CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code,
        "status %#x, want exit %d", status, code);
  char head[128];
  snprintf(head, sizeof head, "==%d==ERROR: fuzzwb: %s", (int)child,
           reason == FWB_DUMP_RSS ? "out-of-memory (rss 321 MB > limit 300 MB)"
                                  : "timeout (after 1234 ms)");
  const char *at = strstr(e.out, head);
  CHECK(at != NULL, "output lacks \"%s\":\n%s", head, e.out);
  const char *frame = at ? strstr(at, text) : NULL;
  const char *summary = frame ? strstr(frame, "SUMMARY: fuzzwb: ") : NULL;
  CHECK(frame && summary, "no \"%s\" frame between the head and SUMMARY:\n%s", text, e.out);
  r = run("FUZ");
  CHECK(r.done && r.ret == 2, "the server did not serve an input after the stack report");
  printf("dump %s, persistent %u: exit %d, stack shows %s\n", kind, persistent, code, text);
  stop();
  return failures;
}
