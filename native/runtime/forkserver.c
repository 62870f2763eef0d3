/* The fork server's start-up and handshake, and its persistent-mode loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

static struct fwb_child_setup setup = {.sigchld_fd = -1, .take_read_fd = -1, .take_write_fd = -1};

/* libc fork() runs the sanitizers' atfork handlers, which cost a millisecond per child under
 * ASan; the server is single-threaded and needs none of them. */
pid_t fwb_raw_fork(void) {
#ifdef SYS_fork
  return (pid_t)syscall(SYS_fork);
#else
  return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

static void setup_sigchld(void) {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  /* Blocked too, so a status pipe the engine left fails the server's write (EPIPE) instead of
   * killing it before it took the target's group down (fwb_engine_gone). Pending signals are
   * not inherited, and children restore the harness's mask. */
  sigaddset(&block, SIGPIPE);
  if (sigprocmask(SIG_BLOCK, &block, &setup.mask) != 0)
    exit(2);
  sigdelset(&block, SIGPIPE);
  /* An ignored SIGCHLD would reap children for us and lose their exit status. */
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigaction(SIGCHLD, &dfl, &setup.sigchld);
  setup.sigchld_default =
      setup.sigchld.sa_handler == SIG_DFL && !(setup.sigchld.sa_flags & SA_SIGINFO);
  setup.sigchld_fd = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
  if (setup.sigchld_fd < 0) {
    perror("fuzzwb: signalfd");
    exit(2);
  }
}

/* Persistent mode: one child at a time, which reads the commands itself while it lives. */
static void serve_run(struct fwb_shm *shm, uint32_t seq) {
  pid_t pid = fwb_raw_fork();
  if (pid < 0) {
    int err = errno;
    fprintf(stderr, "fuzzwb: cannot fork a child for the next input: %s\n", strerror(err));
    fwb_send(FWB_MSG_ERROR, 0, err, seq);
    _exit(2);
  }
  if (pid == 0)
    fwb_persistent_child(shm, &setup, seq);
  fwb_send(FWB_MSG_FORKED, pid, 0, seq);
  /* Stay off the control pipe until the child is gone: it reads the next commands. The server
   * only watches it for the engine's hang-up (events = 0), which must not wait for a child
   * that may never end once nobody times it out. */
  struct pollfd fds[2] = {{.fd = setup.sigchld_fd, .events = POLLIN},
                          {.fd = fwb_channel_ctl_fd(), .events = 0}};
  for (;;) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      fwb_send(FWB_MSG_EXIT, pid, status, seq);
      return;
    }
    if (r < 0 && errno != EINTR)
      return;
    if (poll(fds, 2, -1) < 0 && errno != EINTR)
      return;
    if (fds[1].revents)
      fwb_engine_gone(0);
    struct signalfd_siginfo info;
    while (read(setup.sigchld_fd, &info, sizeof info) == (ssize_t)sizeof info)
      ;
  }
}

static __attribute__((noreturn)) void persistent_server(struct fwb_shm *shm) {
  for (;;) {
    struct fwb_msg msg;
    /* EOF or END: the engine is done with us. */
    if (fwb_recv(&msg) <= 0 || msg.kind == FWB_CMD_END)
      fwb_engine_gone(0);
    if (msg.kind == FWB_CMD_RUN)
      serve_run(shm, msg.seq);
  }
}

/* Until the server watches the control pipe, a dead engine (even SIGKILLed) takes it along,
 * so an LLVMFuzzerInitialize that never returns does not spin on forever. The death signal
 * comes with the end of the thread that started us, which owns the server for its life. */
static void tie_to_engine(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  struct pollfd ctl = {.fd = FWB_CTL_FD, .events = 0};
  /* The engine may have died before the death signal was armed: its pipe says so. */
  if (poll(&ctl, 1, 0) > 0 && (ctl.revents & POLLHUP))
    _exit(0);
}

void fwb_forkserver_main(int argc, char **argv) {
  tie_to_engine();
  /* Bound here once, so no child pays the lazy binding of the clock batches time mutants by. */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  struct fwb_shm *shm = fwb_channel_attach();
  fwb_coverage_attach(shm);
  fwb_cmp_attach(shm);
  fwb_input_init();
  uint32_t flags = fwb_detect_sanitizers();
  if (fuzzwb_after_fork)
    flags |= FWB_RT_AFTER_FORK;
  if (fwb_run_init_hook(&argc, &argv))
    flags |= FWB_RT_INIT_HOOK;
  int lost = fwb_channel_lost();
  if (lost >= 0) {
    fprintf(stderr, "fuzzwb: LLVMFuzzerInitialize closed the fuzzer's channel (fd %d)\n", lost);
    fwb_channel_give_up(lost);
  }
  shm->runtime_flags = flags;
  /* After LLVMFuzzerInitialize: its allocations are no input's. */
  fwb_leaks_install(shm);
  /* After LLVMFuzzerInitialize, so a harness that took the signal for itself keeps it. */
  fwb_dump_install(shm);
  setup.server_pid = getpid();
  setup_sigchld();
  /* Whatever stdio holds now would otherwise be written again by every child. */
  fflush(NULL);
  /* Binds __fpending now, which every child calls: lazily bound in each child instead, it
   * would fault in a dozen pages of the dynamic linker per input. */
  (void)__fpending(stdout);
  fwb_send(FWB_MSG_HELLO, setup.server_pid, FWB_PROTOCOL_VERSION, 0);
  /* From here the server polls the control pipe and, once it closes, kills the target's group:
   * a death signal would kill the server first and leave the harness's own children behind. */
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);

  /* One heap chunk for every input to come, so that no child mallocs for its input. */
  fwb_input_reserve(shm->input_capacity);
  if (shm->persistent_max > 1)
    persistent_server(shm);
  fwb_spare_server(shm, &setup);
}
