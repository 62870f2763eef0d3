/* The fork-mode server: keeps spare children forked ahead of the next RUNs and reaps lazily. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"

/* Spares waiting on the control pipe. With one, its replacement is forked only as the previous
 * input starts, a few tens of microseconds before it is needed: for a quick input the fork
 * (~200 us under ASan) and the new child's first page faults stay on the critical path. More
 * spares start each fork inputs ahead and absorb scheduling jitter; in interleaved runs on 2
 * loaded cores (trivial harness) 2 and 3 spares beat 1 by 10-40%, 3 was at least as fast as 2.
 * Each RUN wakes one reader only (pipes wait exclusively), and each spare takes exactly one. */
#define SPARES 3

/* Spares that may die in a row before taking an input (a crashing fuzzwb_after_fork, say)
 * before the server gives up: a few, so one unlucky death does not end a session. */
#define SPARE_TRIES 3

/* Children that took an input but are not reaped yet, so that EXIT can name the input. */
#define TRACKED_CHILDREN 64

static struct {
  pid_t pid;
  uint32_t seq;
} tracked[TRACKED_CHILDREN];

static struct fwb_shm *shm;
static struct fwb_child_setup *setup;
static pid_t spares[SPARES]; /* children waiting on the control pipe; 0: a free slot */
static unsigned spare_deaths;

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

/* Clears pid's spare slot; 0 when pid was not a spare. */
static int unspare(pid_t pid) {
  for (int i = 0; i < SPARES; i++)
    if (spares[i] == pid) {
      spares[i] = 0;
      return 1;
    }
  return 0;
}

static void fork_spares(void) {
  for (int i = 0; i < SPARES; i++) {
    if (spares[i])
      continue;
    pid_t pid = fwb_raw_fork();
    if (pid < 0) {
      int err = errno;
      fprintf(stderr, "fuzzwb: cannot fork a child for the next input: %s\n", strerror(err));
      fwb_send(FWB_MSG_ERROR, 0, err, 0);
      _exit(2);
    }
    if (pid == 0)
      fwb_spare_child(shm, setup);
    spares[i] = pid;
  }
}

/* Reads what children said when they took a command (each RUN taken frees a spare slot);
 * returns 1 when pid was among the takers. */
static int read_takes(pid_t pid) {
  int took = 0;
  struct fwb_take takes[16];
  for (;;) {
    ssize_t n = read(setup->take_read_fd, takes, sizeof takes);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    for (size_t i = 0; i < (size_t)n / sizeof takes[0]; i++) {
      if (takes[i].cmd == FWB_CMD_END)
        fwb_engine_gone(0);
      unspare(takes[i].pid);
      took |= takes[i].pid == pid;
      spare_deaths = 0;
      track(takes[i].pid, takes[i].seq);
    }
    if ((size_t)n < sizeof takes)
      break;
  }
  return took;
}

static void describe(int status, char *buf, size_t size) {
  if (WIFSIGNALED(status))
    snprintf(buf, size, "signal %d", WTERMSIG(status));
  else
    snprintf(buf, size, "exit code %d", WEXITSTATUS(status));
}

static void spare_died(pid_t pid, int status) {
  /* A spare that read EOF on the control pipe: the engine is gone, and so are we. */
  struct pollfd ctl = {.fd = fwb_channel_ctl_fd(), .events = 0};
  if (poll(&ctl, 1, 0) > 0)
    fwb_engine_gone(0);
  fwb_send(FWB_MSG_EXIT, pid, status, 0);
  if (++spare_deaths >= SPARE_TRIES) {
    char how[32];
    describe(status, how, sizeof how);
    fprintf(stderr,
            "fuzzwb: %d children in a row died before they took an input (the last: %s); "
            "does fuzzwb_after_fork crash?\n",
            SPARE_TRIES, how);
    fwb_send(FWB_MSG_ERROR, pid, status, 0);
    _exit(2);
  }
}

static void reap(void) {
  struct signalfd_siginfo info;
  while (read(setup->sigchld_fd, &info, sizeof info) == (ssize_t)sizeof info)
    ;
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    /* A spare may have taken a command just before it died: its take is in the pipe by now. */
    if (unspare(pid) && !read_takes(pid)) {
      spare_died(pid, status);
      continue;
    }
    uint32_t seq = untrack(pid);
    /* done_seq at or past seq: the child sent DONE, so the engine has no use for its EXIT (and
     * is spared a wake-up per input). Wrap-safe, as seq only grows. Unless the child found the
     * channel lost just before DONE: then EXIT is the end the engine waits for. */
    uint32_t done = __atomic_load_n(&shm->done_seq, __ATOMIC_ACQUIRE);
    if (seq != 0 && (int32_t)(done - seq) >= 0 &&
        !__atomic_load_n(&shm->channel_lost, __ATOMIC_ACQUIRE))
      continue;
    fwb_send(FWB_MSG_EXIT, pid, status, seq);
  }
}

void fwb_spare_server(struct fwb_shm *s, struct fwb_child_setup *child_setup) {
  shm = s;
  setup = child_setup;
  int take[2];
  /* Only the server's end is non-blocking: a child's 12-byte write must never be dropped. */
  if (pipe2(take, O_CLOEXEC) != 0 || fcntl(take[0], F_SETFL, O_NONBLOCK) != 0) {
    perror("fuzzwb: take pipe");
    _exit(2);
  }
  setup->take_read_fd = take[0];
  setup->take_write_fd = take[1];
  fork_spares();

  /* The control pipe is the spare's: the server only watches it for the engine's hang-up. */
  struct pollfd fds[3] = {{.fd = take[0], .events = POLLIN},
                          {.fd = setup->sigchld_fd, .events = POLLIN},
                          {.fd = fwb_channel_ctl_fd(), .events = 0}};
  for (;;) {
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      perror("fuzzwb: poll");
      _exit(2);
    }
    /* The engine closed the control pipe. */
    if (fds[2].revents)
      fwb_engine_gone(0);
    /* Fork first: a spare due is on the engine's critical path, a zombie is not. */
    if (fds[0].revents) {
      read_takes(0);
      fork_spares();
    }
    if (fds[1].revents) {
      reap();
      fork_spares();
    }
  }
}
