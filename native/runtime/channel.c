/* The fork server's channel to the engine: the shared memory on fd 202 and the message pipes. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static int region_fits(const struct fwb_shm *shm, uint64_t offset, uint64_t bytes) {
  return offset <= shm->total_size && bytes <= shm->total_size - offset && offset % 8 == 0;
}

static void validate(const struct fwb_shm *shm, uint64_t mapped) {
  if (shm->magic != FWB_SHM_MAGIC)
    fail("shared memory on fd %d has magic 0x%016" PRIx64 ", expected 0x%016llx", FWB_SHM_FD,
         shm->magic, FWB_SHM_MAGIC);
  if (shm->version != FWB_PROTOCOL_VERSION)
    fail("protocol version mismatch: engine speaks %u, this runtime %u", shm->version,
         FWB_PROTOCOL_VERSION);
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
    fail("protocol version mismatch: %s=%s, this runtime speaks %u", FWB_ENV_FORKSERVER,
         env ? env : "", FWB_PROTOCOL_VERSION);
  struct stat st;
  if (fstat(FWB_SHM_FD, &st) != 0)
    fail("fork-server mode needs the shared memory on fd %d: %s", FWB_SHM_FD, strerror(errno));
  if ((uint64_t)st.st_size < sizeof(struct fwb_shm))
    fail("shared memory on fd %d is too small (%lld bytes)", FWB_SHM_FD, (long long)st.st_size);
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, FWB_SHM_FD, 0);
  if (p == MAP_FAILED)
    fail("cannot map the shared memory on fd %d: %s", FWB_SHM_FD, strerror(errno));
  validate((const struct fwb_shm *)p, (uint64_t)st.st_size);
  return (struct fwb_shm *)p;
}

void fwb_send(uint32_t kind, int32_t pid, int32_t value, uint32_t seq) {
  struct fwb_msg msg = {.kind = kind, .pid = pid, .value = value, .seq = seq};
  ssize_t n;
  do
    n = FWB_SYS(write, FWB_STATUS_FD, &msg, sizeof msg);
  while (n < 0 && errno == EINTR);
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

int fwb_recv(struct fwb_msg *msg) {
  size_t got = 0;
  while (got < sizeof *msg) {
    ssize_t n = FWB_SYS(read, FWB_CTL_FD, (char *)msg + got, sizeof *msg - got);
    if (n == 0)
      return 0;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    got += (size_t)n;
  }
  return 1;
}
