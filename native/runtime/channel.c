/* The fork server's channel to the engine: the shared memory on fd 202 and the message pipes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("fuzzwb: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* The pipes' numbers once moved out of reach; the protocol's until then. */
static int ctl_fd = FWB_CTL_FD;
static int status_fd = FWB_STATUS_FD;
static struct fwb_shm *channel_shm;

/* Makes room for the pipes above FWB_CHANNEL_FD_MIN when the soft limit has none (the engine's
 * own limit is usually raised already, and the target inherits it). */
static void make_room(void) {
  struct rlimit rl;
  const rlim_t want = FWB_CHANNEL_FD_MIN + 16;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
    return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}

/* Close-on-exec wherever it ends up: what the harness runs must not hold the engine's pipes, and
 * the flag is what fwb_channel_lost checks. With no room above the minimum the pipe stays. */
static int move_out_of_reach(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, FWB_CHANNEL_FD_MIN);
  if (high < 0) {
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
  }
  close(fd);
  return high;
}

static int region_fits(const struct fwb_shm *shm, uint64_t offset, uint64_t bytes) {
  return offset <= shm->total_size && bytes <= shm->total_size - offset && offset % 8 == 0;
}

static void validate(const struct fwb_shm *shm, uint64_t mapped) {
  if (shm->magic != FWB_SHM_MAGIC)
    fail("shared memory on fd %d has magic 0x%016" PRIx64 ", expected 0x%016llx", FWB_SHM_FD,
         shm->magic, FWB_SHM_MAGIC);
  if (shm->version != FWB_PROTOCOL_VERSION)
    fail("protocol version mismatch: engine speaks %u, this runtime %u (rebuild the target with "
         "this fuzzwb-cc)",
         shm->version, FWB_PROTOCOL_VERSION);
  if (shm->header_size < sizeof *shm || shm->total_size > mapped)
    fail("shared memory header is inconsistent (header %u bytes, total %" PRIu64 ", memfd %" PRIu64
         ")",
         shm->header_size, shm->total_size, mapped);
  uint64_t counters = shm->counters_capacity;
  if (counters <= FWB_GCC_SLOTS || shm->input_capacity == 0 || shm->modules_capacity == 0 ||
      !region_fits(shm, shm->input_offset, shm->input_capacity) ||
      !region_fits(shm, shm->counters_offset, counters) ||
      !region_fits(shm, shm->pcs_offset, counters * sizeof(uint64_t)) ||
      !region_fits(shm, shm->modules_offset,
                   (uint64_t)shm->modules_capacity * sizeof(struct fwb_module)) ||
      !region_fits(shm, shm->cmp_offset, FWB_CMP_SLOTS * sizeof(struct fwb_cmp_slot)) ||
      !region_fits(shm, shm->memcmp_offset, FWB_MEMCMP_SLOTS * sizeof(struct fwb_memcmp_slot)))
    fail("shared memory regions do not fit in its %" PRIu64 " bytes", shm->total_size);
}

struct fwb_shm *fwb_channel_attach(void) {
  const char *env = getenv(FWB_ENV_FORKSERVER);
  char *end;
  unsigned long wanted = strtoul(env ? env : "", &end, 10);
  if (!env || end == env || *end || wanted != FWB_PROTOCOL_VERSION)
    fail("protocol version mismatch: %s=%s, this runtime speaks %u (rebuild the target with "
         "this fuzzwb-cc)",
         FWB_ENV_FORKSERVER, env ? env : "", FWB_PROTOCOL_VERSION);
  struct stat st;
  if (fstat(FWB_SHM_FD, &st) != 0)
    fail("fork-server mode needs the shared memory on fd %d: %s", FWB_SHM_FD, strerror(errno));
  if ((uint64_t)st.st_size < sizeof(struct fwb_shm))
    fail("shared memory on fd %d is too small (%lld bytes)", FWB_SHM_FD, (long long)st.st_size);
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, FWB_SHM_FD, 0);
  if (p == MAP_FAILED)
    fail("cannot map the shared memory on fd %d: %s", FWB_SHM_FD, strerror(errno));
  validate((const struct fwb_shm *)p, (uint64_t)st.st_size);
  /* The mapping outlives the descriptor, which only a harness's close() could take away. */
  close(FWB_SHM_FD);
  make_room();
  ctl_fd = move_out_of_reach(FWB_CTL_FD);
  status_fd = move_out_of_reach(FWB_STATUS_FD);
  channel_shm = (struct fwb_shm *)p;
  return channel_shm;
}

/* Ours means open and close-on-exec: a harness that closed a pipe gets EBADF here, and one that
 * put a descriptor of its own there (dup2, or open once the lower numbers ran out) would have
 * to ask for close-on-exec too. */
static int channel_fd_intact(int fd) {
  long flags = FWB_SYS(fcntl, fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC);
}

int fwb_channel_lost(void) {
  if (!channel_fd_intact(ctl_fd))
    return ctl_fd;
  if (!channel_fd_intact(status_fd))
    return status_fd;
  return -1;
}

void fwb_channel_give_up(int fd) {
  __atomic_store_n(&channel_shm->channel_lost, (uint32_t)fd + 1, __ATOMIC_RELEASE);
  fwb_child_exit(2);
}

void fwb_send(uint32_t kind, int32_t pid, int32_t value, uint32_t seq) {
  /* DONE ends each command: the moment to see whether the input took the channel away, before a
   * write to a descriptor of the harness's could pass for one to the engine. */
  if (kind == FWB_MSG_DONE) {
    int lost = fwb_channel_lost();
    if (lost >= 0)
      fwb_channel_give_up(lost);
  }
  struct fwb_msg msg = {.kind = kind, .pid = pid, .value = value, .seq = seq};
  ssize_t n;
  do
    n = FWB_SYS(write, status_fd, &msg, sizeof msg);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EBADF)
    fwb_channel_give_up(status_fd);
  /* The engine is gone or the pipe is broken: nobody is left to report to. */
  if (n != (ssize_t)sizeof msg)
    fwb_engine_gone(2);
}

void fwb_engine_gone(int code) {
  /* Only the group's leader, the fork server the engine started, speaks for the group; a child
   * (or a target some other way started) must not kill the group it happens to be in. */
  if (getpgrp() == getpid())
    kill(0, SIGKILL);
  _exit(code);
}

int fwb_channel_ctl_fd(void) { return ctl_fd; }

int fwb_recv(struct fwb_msg *msg) {
  size_t got = 0;
  while (got < sizeof *msg) {
    ssize_t n = FWB_SYS(read, ctl_fd, (char *)msg + got, sizeof *msg - got);
    if (n == 0)
      return 0;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EBADF)
        fwb_channel_give_up(ctl_fd);
      return -1;
    }
    got += (size_t)n;
  }
  return 1;
}
