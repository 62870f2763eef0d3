/* Forked children: a fork-mode spare takes one command and runs it; a persistent child runs N. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime.h"

/* Undoes the server's signal setup and ties the child's life to the server's. */
static void enter_child(const struct fwb_child_setup *setup) {
  FWB_SYS(close, setup->sigchld_fd);
  if (setup->take_read_fd >= 0)
    FWB_SYS(close, setup->take_read_fd);
  if (!setup->sigchld_default)
    sigaction(SIGCHLD, &setup->sigchld, NULL);
  /* The kernel's signal set is the first 64 bits of glibc's sigset_t. */
  FWB_SYS(rt_sigprocmask, SIG_SETMASK, &setup->mask, NULL, sizeof(uint64_t));
  FWB_SYS(prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* The server may have died before the death signal was armed. */
  if (FWB_SYS(getppid) != setup->server_pid)
    fwb_child_exit(0);
}

/* The engine kills and blames the child by this pid: it must be there before the input runs. */
FWB_NO_SANITIZE static void publish(struct fwb_shm *shm, int32_t pid, uint32_t seq) {
  __atomic_store_n(&shm->running_pid, pid, __ATOMIC_RELAXED);
  __atomic_store_n(&shm->running_seq, seq, __ATOMIC_RELEASE);
}

/* The end of a command: the child's output flushed, then DONE with the last return value. */
FWB_NO_SANITIZE static void finish(struct fwb_shm *shm, int32_t pid, uint32_t seq, int ret) {
  /* Output written before DONE must be in the pipe when the engine drains it; __fpending
   * first, because fflush itself dirties stdio pages (and goes through ASan's interceptor).
   * Flushed before done_seq: the server takes done_seq as "DONE was sent". */
  if (__fpending(stdout))
    fflush(stdout);
  shm->exec_ret = ret;
  __atomic_store_n(&shm->done_seq, seq, __ATOMIC_RELEASE);
  fwb_send(FWB_MSG_DONE, pid, ret, seq);
}

FWB_NO_SANITIZE static void run_input(struct fwb_shm *shm, int32_t pid, uint32_t seq) {
  uint32_t len;
  const uint8_t *data = fwb_input_prepare(shm, &len);
  fwb_cmp_begin_input();
  fwb_leaks_begin();
  int ret = LLVMFuzzerTestOneInput(data, len);
  fwb_leaks_end(shm, data, len);
  fwb_input_release(data);
  fwb_leaks_check(shm);
  finish(shm, pid, seq, ret);
}

/* Runs the command in shm: one input, or a batch of mutants of at most `budget` inputs.
 * Returns the inputs it ran. */
FWB_NO_SANITIZE static uint32_t run_command(struct fwb_shm *shm, int32_t pid, uint32_t seq,
                                            uint32_t budget) {
  const struct fwb_mutate *req = (const struct fwb_mutate *)fwb_shm_at(shm, shm->mutate_offset);
  if (shm->mutate_offset == 0 || req->count == 0) {
    run_input(shm, pid, seq);
    return 1;
  }
  int ret;
  uint32_t ran = fwb_mutate_batch(shm, budget, &ret);
  finish(shm, pid, seq, ret);
  return ran;
}

static void tell_server(const struct fwb_child_setup *setup, uint32_t cmd, int32_t pid,
                        uint32_t seq) {
  struct fwb_take take = {.cmd = cmd, .pid = pid, .seq = seq};
  /* A failed write means the server is gone, and the death signal is on its way. */
  while (FWB_SYS(write, setup->take_write_fd, &take, sizeof take) < 0 && errno == EINTR)
    ;
}

FWB_NO_SANITIZE void fwb_spare_child(struct fwb_shm *shm, const struct fwb_child_setup *setup) {
  enter_child(setup);
  int32_t pid = (int32_t)FWB_SYS(getpid);
  if (fuzzwb_after_fork) {
    fwb_coverage_private(1);
    fuzzwb_after_fork();
    fwb_coverage_private(0);
  }
  /* Everything above ran ahead of time; from the read on, this is the input's critical path. */
  struct fwb_msg msg;
  if (fwb_recv(&msg) <= 0)
    fwb_child_exit(0);
  if (msg.kind != FWB_CMD_RUN) {
    tell_server(setup, FWB_CMD_END, pid, 0);
    fwb_child_exit(0);
  }
  publish(shm, pid, msg.seq);
  /* Before running, so the next spare is forked on the other core while this input runs. */
  tell_server(setup, FWB_CMD_RUN, pid, msg.seq);
  run_command(shm, pid, msg.seq, 1);
  fwb_child_exit(0);
}

FWB_NO_SANITIZE void fwb_persistent_child(struct fwb_shm *shm, const struct fwb_child_setup *setup,
                                          uint32_t seq) {
  enter_child(setup);
  int32_t pid = (int32_t)FWB_SYS(getpid);
  uint32_t limit = shm->persistent_max;
  if (fuzzwb_after_fork)
    fuzzwb_after_fork();
  for (uint32_t runs = 0;;) {
    publish(shm, pid, seq);
    runs += run_command(shm, pid, seq, limit > runs ? limit - runs : 1);
    if (runs >= limit)
      break;
    struct fwb_msg msg;
    if (fwb_recv(&msg) <= 0 || msg.kind != FWB_CMD_RUN)
      break;
    seq = msg.seq;
  }
  fwb_child_exit(0);
}
