/* Smoke checks of process life: children die with their server, spares that die or hang. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"

void pause_ms(long ms) {
  struct timespec pause = {0, ms * 1000 * 1000};
  nanosleep(&pause, NULL);
}

/* 1 while pid exists and is not a zombie. */
int alive(pid_t pid) {
  char path[64], state = 0;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  int fields = fscanf(f, "%*d %*s %c", &state);
  fclose(f);
  return fields == 1 && state != 'Z';
}

int check_orphans(char *target) {
  start(target, NULL);
  e.shm->input_len = 1;
  *((char *)e.shm + e.shm->input_offset) = 'W';
  struct fwb_msg run_msg = {.kind = FWB_CMD_RUN, .seq = 1};
  CHECK(write(e.ctl, &run_msg, sizeof run_msg) == (ssize_t)sizeof run_msg, "RUN not written");
  pid_t child = 0;
  for (int i = 0; i < 500 && !child; i++) {
    pause_ms(10);
    child = engine_running(&e, 1);
  }
  CHECK(child > 0 && alive(child), "no live child took the input");
  kill(e.pid, SIGKILL);
  waitpid(e.pid, NULL, 0);
  int gone = 0;
  for (int i = 0; i < 100 && !gone; i++) {
    pause_ms(10);
    gone = !alive(child);
  }
  CHECK(gone, "child %d outlived its fork server", child);
  if (!gone && child > 0)
    kill(child, SIGKILL);
  else
    printf("orphans: the child died with its fork server\n");
  return failures;
}

/* Spares whose fuzzwb_after_fork crashes: one death is replaced, three in a row are an ERROR. */
int check_spare(char *target, char *marker) {
  FILE *f = fopen(marker, "w");
  CHECK(f && fclose(f) == 0, "cannot create %s", marker);
  setenv("FUZZWB_TEST_SPARE_CRASH", marker, 1);
  start(target, NULL);
  struct run_result r = run("FUZ");
  CHECK(r.done && r.ret == 2, "after one spare died: done %d, ret %d", r.done, r.ret);
  /* The dead spare's EXIT may come after the input that another spare ran. */
  struct fwb_msg m;
  while (e.exits == 0 && engine_next_msg(&e, &m) == 0)
    e.exits += m.kind == FWB_MSG_EXIT;
  CHECK(e.exits == 1, "%u EXIT messages for one dead spare", e.exits);
  stop();

  setenv("FUZZWB_TEST_SPARE_CRASH", "always", 1);
  start(target, NULL);
  r = run("FUZ");
  CHECK(r.error && WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGILL,
        "spares that always die: error %d, status %#x", r.error, r.status);
  CHECK(e.exits == 3, "%u EXIT messages for three dead spares", e.exits);
  CHECK(strstr(e.out, "3 children in a row died before they took an input (the last: signal 4)"),
        "output: %s", e.out);
  int status = engine_stop(&e);
  CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2, "server status %#x", status);

  /* Spares that never take the input: the server still serves the engine's hang-up. */
  setenv("FUZZWB_TEST_SPARE_CRASH", "hang", 1);
  start(target, NULL);
  struct fwb_msg hung = {.kind = FWB_CMD_RUN, .seq = 1};
  CHECK(write(e.ctl, &hung, sizeof hung) == (ssize_t)sizeof hung, "RUN not written");
  pause_ms(300);
  CHECK(engine_running(&e, 1) == 0, "a hanging spare took the input");
  stop();
  unsetenv("FUZZWB_TEST_SPARE_CRASH");
  printf("spare: one death replaced, three in a row end in ERROR and exit 2, hangs shut down\n");
  return failures;
}
