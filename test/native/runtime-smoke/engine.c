/* A minimal engine side of the fork-server protocol, to test the runtime without the addon. */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INPUT_CAPACITY (1u << 20)
#define TIMEOUT_MS 10000

static uint64_t align64(uint64_t v) { return (v + 63) & ~63ull; }

static void fill_header(struct fwb_shm *h, const struct engine_options *o, uint64_t *total) {
  uint64_t at = align64(sizeof *h);
  h->magic = o->magic;
  h->version = FWB_PROTOCOL_VERSION;
  h->header_size = sizeof *h;
  h->input_offset = at;
  h->input_capacity = INPUT_CAPACITY;
  at = align64(at + INPUT_CAPACITY);
  h->counters_offset = at;
  h->counters_capacity = FWB_DEFAULT_COUNTERS;
  at = align64(at + FWB_DEFAULT_COUNTERS);
  h->pcs_offset = at;
  at = align64(at + (uint64_t)FWB_DEFAULT_COUNTERS * 8);
  h->modules_offset = at;
  h->modules_capacity = FWB_MAX_MODULES;
  at = align64(at + FWB_MAX_MODULES * sizeof(struct fwb_module));
  h->cmp_offset = at;
  at = align64(at + FWB_CMP_SLOTS * sizeof(struct fwb_cmp_slot));
  h->memcmp_offset = at;
  at = align64(at + FWB_MEMCMP_SLOTS * sizeof(struct fwb_memcmp_slot));
  h->cmp_enabled = (uint32_t)o->cmp;
  h->persistent_max = o->persistent;
  h->total_size = at;
  *total = at;
}

void engine_defaults(struct engine_options *opts) {
  opts->persistent = 1;
  opts->cmp = 0;
  opts->magic = FWB_SHM_MAGIC;
  static char version[16];
  snprintf(version, sizeof version, "%u", FWB_PROTOCOL_VERSION);
  opts->version = version;
}

static void drain_output(struct engine *e) {
  char buf[4096];
  ssize_t n;
  while ((n = read(e->output, buf, sizeof buf)) > 0) {
    if (e->out_len + (size_t)n >= sizeof e->out) {
      size_t drop = e->out_len + (size_t)n - sizeof e->out + 1;
      drop = drop > e->out_len ? e->out_len : drop;
      memmove(e->out, e->out + drop, e->out_len - drop);
      e->out_len -= drop;
    }
    size_t keep = (size_t)n < sizeof e->out - 1 ? (size_t)n : sizeof e->out - 1;
    memcpy(e->out + e->out_len, buf + n - keep, keep);
    e->out_len += keep;
  }
  e->out[e->out_len] = '\0';
}

int engine_next_msg(struct engine *e, struct fwb_msg *m) {
  struct pollfd fds[2] = {{.fd = e->status, .events = POLLIN}, {.fd = e->output, .events = POLLIN}};
  for (;;) {
    int r = poll(fds, 2, TIMEOUT_MS);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      fprintf(stderr, "engine: no message within %d ms\n", TIMEOUT_MS);
      return -1;
    }
    if (fds[1].revents)
      drain_output(e);
    if (fds[1].revents & POLLHUP)
      fds[1].fd = -1;
    if (fds[0].revents) {
      ssize_t n = read(e->status, m, sizeof *m);
      if (n == (ssize_t)sizeof *m)
        return 0;
      drain_output(e);
      fprintf(stderr, "engine: status pipe closed (read %zd)\n", n);
      return -1;
    }
  }
}

static void spawn(struct engine *e, char *const argv[], int memfd, int ctl[2], int st[2],
                  int out[2], const struct engine_options *o) {
  e->pid = fork();
  if (e->pid != 0)
    return;
  int devnull = open("/dev/null", O_RDONLY);
  if (dup2(ctl[0], FWB_CTL_FD) < 0 || dup2(st[1], FWB_STATUS_FD) < 0 ||
      dup2(memfd, FWB_SHM_FD) < 0 || dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 ||
      dup2(out[1], 2) < 0)
    _exit(126);
  setenv(FWB_ENV_FORKSERVER, o->version, 1);
  setenv("ASAN_OPTIONS",
         "exitcode=76:abort_on_error=0:handle_abort=1:detect_leaks=0:"
         "allocator_may_return_null=0:symbolize=1",
         0);
  execv(argv[0], argv);
  _exit(127);
}

int engine_start(struct engine *e, char *const argv[], const struct engine_options *o) {
  memset(e, 0, sizeof *e);
  struct fwb_shm header = {0};
  uint64_t total;
  fill_header(&header, o, &total);
  int memfd = memfd_create("fuzzwb-test", MFD_CLOEXEC);
  int ctl[2], st[2], out[2];
  if (memfd < 0 || ftruncate(memfd, (off_t)total) != 0 || pipe2(ctl, O_CLOEXEC) != 0 ||
      pipe2(st, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    perror("engine: setup");
    return -1;
  }
  e->shm = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (e->shm == MAP_FAILED) {
    perror("engine: mmap");
    return -1;
  }
  *e->shm = header;
  e->size = total;
  spawn(e, argv, memfd, ctl, st, out, o);
  close(memfd);
  close(ctl[0]);
  close(st[1]);
  close(out[1]);
  e->ctl = ctl[1];
  e->status = st[0];
  e->output = out[0];
  fcntl(e->output, F_SETFL, O_NONBLOCK);
  if (engine_next_msg(e, &e->hello) != 0 || e->hello.kind != FWB_MSG_HELLO) {
    fprintf(stderr, "engine: no HELLO; target output:\n%s\n", e->out);
    return -1;
  }
  return 0;
}

uint8_t *engine_counters(struct engine *e) { return (uint8_t *)e->shm + e->shm->counters_offset; }
uint64_t *engine_pcs(struct engine *e) {
  return (uint64_t *)((uint8_t *)e->shm + e->shm->pcs_offset);
}
struct fwb_module *engine_modules(struct engine *e) {
  return (struct fwb_module *)((uint8_t *)e->shm + e->shm->modules_offset);
}

int engine_run(struct engine *e, const void *data, size_t len, struct run_result *r) {
  struct fwb_shm *shm = e->shm;
  uint32_t seq = ++e->seq;
  memset(r, 0, sizeof *r);
  e->out_len = 0;
  e->out[0] = '\0';
  memcpy((uint8_t *)shm + shm->input_offset, data, len);
  shm->input_len = (uint32_t)len;
  shm->exec_seq = seq;
  uint8_t *counters = engine_counters(e);
  memset(counters, 0, __atomic_load_n(&shm->counters_used, __ATOMIC_ACQUIRE));
  memset(counters + shm->counters_capacity - FWB_GCC_SLOTS, 0, FWB_GCC_SLOTS);
  struct fwb_msg run = {.kind = FWB_CMD_RUN, .seq = seq};
  /* EPIPE: the server and its spare are gone; an ERROR may still be waiting to be read. */
  if (write(e->ctl, &run, sizeof run) != (ssize_t)sizeof run && errno != EPIPE) {
    perror("engine: write RUN");
    return -1;
  }
  for (;;) {
    struct fwb_msg m;
    if (engine_next_msg(e, &m) != 0)
      return -1;
    e->forks += m.kind == FWB_MSG_FORKED;
    e->exits += m.kind == FWB_MSG_EXIT;
    if (m.kind == FWB_MSG_DONE && m.seq == seq) {
      r->done = 1;
      r->ret = m.value;
      r->pid = m.pid;
      drain_output(e);
      return 0;
    }
    if ((m.kind == FWB_MSG_EXIT && m.pid != 0 && m.pid == engine_running(e, seq)) ||
        m.kind == FWB_MSG_ERROR) {
      r->error = m.kind == FWB_MSG_ERROR;
      r->status = m.value;
      r->pid = m.pid;
      /* The child is dead and reaped: everything it wrote is already in the pipe. */
      drain_output(e);
      return 0;
    }
  }
}

pid_t engine_running(struct engine *e, uint32_t seq) {
  if (__atomic_load_n(&e->shm->running_seq, __ATOMIC_ACQUIRE) != seq)
    return 0;
  return __atomic_load_n(&e->shm->running_pid, __ATOMIC_RELAXED);
}

int engine_stop(struct engine *e) {
  close(e->ctl);
  for (int i = 0; i < 200; i++) {
    int status;
    pid_t p = waitpid(e->pid, &status, WNOHANG);
    if (p == e->pid) {
      close(e->status);
      close(e->output);
      munmap(e->shm, e->size);
      return status;
    }
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  kill(e->pid, SIGKILL);
  waitpid(e->pid, NULL, 0);
  return -1;
}
