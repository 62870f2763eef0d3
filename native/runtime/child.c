/* A forked child: runs the input in shared memory (or N inputs in persistent mode) and reports. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdio_ext.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime.h"

static int run_input(struct fwb_shm *shm) {
  uint32_t len;
  const uint8_t *data = fwb_input_prepare(shm, &len);
  int ret = LLVMFuzzerTestOneInput(data, len);
  fwb_input_release(data);
  return ret;
}

/* Undoes the server's signal setup and ties the child's life to the server's. */
static void enter_child(struct fwb_shm *shm, const struct fwb_child_setup *setup) {
  close(setup->sigchld_fd);
  /* Only a persistent child reads commands; a fork-mode child must not steal one. */
  if (shm->persistent_max <= 1)
    close(FWB_CTL_FD);
  sigaction(SIGCHLD, &setup->sigchld, NULL);
  sigprocmask(SIG_SETMASK, &setup->mask, NULL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* The server may have died before the death signal was armed. */
  if (getppid() != setup->server_pid)
    _exit(0);
}

FWB_NO_SANITIZE void fwb_child_main(struct fwb_shm *shm, const struct fwb_child_setup *setup,
                                    uint32_t seq) {
  enter_child(shm, setup);
  int32_t pid = (int32_t)getpid();
  uint32_t limit = shm->persistent_max > 1 ? shm->persistent_max : 1;
  if (fuzzwb_after_fork)
    fuzzwb_after_fork();
  for (uint32_t runs = 1;; runs++) {
    int ret = run_input(shm);
    shm->exec_ret = ret;
    __atomic_store_n(&shm->done_seq, seq, __ATOMIC_RELEASE);
    /* Output written before DONE must be in the pipe when the engine drains it; __fpending
     * first, because fflush itself dirties stdio pages (and goes through ASan's interceptor). */
    if (__fpending(stdout))
      fflush(stdout);
    fwb_send(FWB_MSG_DONE, pid, ret, seq);
    if (runs >= limit)
      break;
    struct fwb_msg msg;
    if (fwb_recv(&msg) <= 0 || msg.kind != FWB_CMD_RUN)
      break;
    seq = msg.seq;
  }
  /* _exit: the engine already has the result; exit handlers would only cost time. */
  _exit(0);
}
