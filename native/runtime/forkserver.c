/* The fork server: handshake, then one raw fork per RUN, reaping children lazily. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"

/* Children forked but not yet reaped, so that EXIT can name the input a child ran. */
#define TRACKED_CHILDREN 64

static struct {
  pid_t pid;
  uint32_t seq;
} tracked[TRACKED_CHILDREN];

static struct fwb_child_setup setup = {.sigchld_fd = -1};

static void track(pid_t pid, uint32_t seq) {
  for (int i = 0; i < TRACKED_CHILDREN; i++)
    if (tracked[i].pid == 0) {
      tracked[i].pid = pid;
      tracked[i].seq = seq;
      return;
    }
}

static uint32_t untrack(pid_t pid) {
  for (int i = 0; i < TRACKED_CHILDREN; i++)
    if (tracked[i].pid == pid) {
      tracked[i].pid = 0;
      return tracked[i].seq;
    }
  return 0;
}

/* libc fork() runs the sanitizers' atfork handlers, which cost a millisecond per child under
 * ASan; the server is single-threaded and needs none of them. */
static pid_t raw_fork(void) {
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
  if (sigprocmask(SIG_BLOCK, &block, &setup.mask) != 0)
    exit(2);
  /* An ignored SIGCHLD would reap children for us and lose their exit status. */
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigaction(SIGCHLD, &dfl, &setup.sigchld);
  setup.sigchld_fd = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
  if (setup.sigchld_fd < 0) {
    perror("fuzzwb: signalfd");
    exit(2);
  }
}

static void reap_children(void) {
  struct signalfd_siginfo info;
  while (read(setup.sigchld_fd, &info, sizeof info) == (ssize_t)sizeof info)
    ;
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    fwb_send(FWB_MSG_EXIT, pid, status, untrack(pid));
}

static void serve_run(struct fwb_shm *shm, uint32_t seq) {
  fwb_input_reserve(shm->input_len);
  pid_t pid = raw_fork();
  if (pid < 0) {
    fwb_send(FWB_MSG_ERROR, 0, errno, seq);
    return;
  }
  if (pid == 0)
    fwb_child_main(shm, &setup, seq);
  fwb_send(FWB_MSG_FORKED, pid, 0, seq);
  if (shm->persistent_max <= 1) {
    track(pid, seq);
    return;
  }
  /* A persistent child reads the control pipe itself: stay off it until the child is gone. */
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return;
  fwb_send(FWB_MSG_EXIT, pid, status, seq);
}

void fwb_forkserver_main(int argc, char **argv) {
  struct fwb_shm *shm = fwb_channel_attach();
  fwb_coverage_attach(shm);
  fwb_cmp_attach(shm);
  fwb_input_init();
  uint32_t flags = fwb_detect_sanitizers();
  if (fuzzwb_after_fork)
    flags |= FWB_RT_AFTER_FORK;
  if (fwb_run_init_hook(&argc, &argv))
    flags |= FWB_RT_INIT_HOOK;
  shm->runtime_flags = flags;
  setup.server_pid = getpid();
  setup_sigchld();
  /* Whatever stdio holds now would otherwise be written again by every child. */
  fflush(NULL);
  fwb_send(FWB_MSG_HELLO, setup.server_pid, FWB_PROTOCOL_VERSION, 0);

  struct pollfd fds[2] = {{.fd = FWB_CTL_FD, .events = POLLIN},
                          {.fd = setup.sigchld_fd, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      perror("fuzzwb: poll");
      _exit(2);
    }
    if (fds[0].revents) {
      struct fwb_msg msg;
      /* EOF or END: the engine is done with us; children die with us (PR_SET_PDEATHSIG). */
      if (fwb_recv(&msg) <= 0 || msg.kind == FWB_CMD_END)
        _exit(0);
      if (msg.kind == FWB_CMD_RUN)
        serve_run(shm, msg.seq);
    }
    if (fds[1].revents)
      reap_children();
  }
}
