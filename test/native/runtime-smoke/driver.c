/* Runtime smoke checks against a fake engine: `driver CHECK TARGET [ARGS]`, exit 0 = pass. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"

int failures;
struct engine e;

void start(char *target, const struct engine_options *opts) {
  char *argv[] = {target, NULL};
  struct engine_options defaults;
  engine_defaults(&defaults);
  if (engine_start(&e, argv, opts ? opts : &defaults) != 0) {
    fprintf(stderr, "FAIL: %s did not start\n", target);
    exit(1);
  }
}

struct run_result run(const char *input) {
  struct run_result r;
  if (engine_run(&e, input, strlen(input), &r) != 0) {
    fprintf(stderr, "FAIL: input \"%s\" got no result; output:\n%s\n", input, e.out);
    exit(1);
  }
  return r;
}

int stop(void) {
  int status = engine_stop(&e);
  CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "fork server did not exit cleanly on control EOF (status %d)", status);
  return status;
}

static unsigned nonzero(const uint8_t *p, size_t n) {
  unsigned c = 0;
  for (size_t i = 0; i < n; i++)
    c += p[i] != 0;
  return c;
}

static int check_handshake(char *target, unsigned want_flags) {
  start(target, NULL);
  struct fwb_shm *shm = e.shm;
  CHECK(e.hello.pid == e.pid, "HELLO pid %d, server %d", e.hello.pid, e.pid);
  CHECK(e.hello.value == (int)FWB_PROTOCOL_VERSION, "HELLO version %d", e.hello.value);
  CHECK(shm->runtime_flags == want_flags, "runtime_flags %#x, want %#x", shm->runtime_flags,
        want_flags);
  CHECK(shm->modules_count >= 1, "no module registered");
  CHECK(shm->counters_used > 1, "counters_used %u", shm->counters_used);
  struct fwb_module *m = engine_modules(&e);
  const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
  const char *mbase = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
  CHECK(m->path[0] == '/' && strcmp(mbase, base) == 0, "module 0 is %s", m->path);
  CHECK(m->flags == FWB_MODULE_PC_TABLE, "module 0 flags %#x", m->flags);
  CHECK(m->counter_start == 1 && m->counter_count + 1 == shm->counters_used,
        "module 0 range %u+%u, used %u", m->counter_start, m->counter_count, shm->counters_used);
  uint64_t *pcs = engine_pcs(&e);
  unsigned entries = 0, known = 0;
  for (uint32_t i = m->counter_start; i < m->counter_start + m->counter_count; i++) {
    known += (pcs[i] >> FWB_PC_MODULE_SHIFT & 0x7fff) == 1;
    entries += (pcs[i] & FWB_PC_FUNC_ENTRY_BIT) != 0;
  }
  CHECK(known == m->counter_count, "%u of %u PCs name module 0", known, m->counter_count);
  CHECK(entries >= 2, "%u function entries in the PC table", entries);
  struct run_result r = run("H");
  CHECK(r.done && r.ret == 101, "hooks: ret %d (want after_fork once and init ran)", r.ret);
  printf("handshake: flags %#x, %u counters, module %s\n", shm->runtime_flags, shm->counters_used,
         m->path);
  stop();
  return failures;
}

static int check_counters(char *target) {
  start(target, NULL);
  size_t used = e.shm->counters_used;
  uint8_t *a = malloc(used), *b = malloc(used);
  run("F");
  memcpy(a, engine_counters(&e), used);
  run("FUZZ");
  memcpy(b, engine_counters(&e), used);
  CHECK(nonzero(a, used) > 0, "no counter hit for input F");
  CHECK(memcmp(a, b, used) != 0, "F and FUZZ hit the same counters");
  run("F");
  CHECK(memcmp(a, engine_counters(&e), used) == 0, "the same input gave different counters");
  struct run_result r = run("FUZZ");
  CHECK(r.done && r.ret == 3, "FUZZ returned %d", r.ret);
  printf("counters: F hits %u, FUZZ hits %u\n", nonzero(a, used), nonzero(b, used));
  free(a);
  free(b);
  stop();
  return failures;
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check_loop(char *target, unsigned n, unsigned persistent) {
  struct engine_options opts;
  engine_defaults(&opts);
  opts.persistent = persistent;
  start(target, &opts);
  const char *inputs[] = {"F", "FU", "FUZ", "FUZZ", "X", "N"};
  unsigned done = 0, fresh = 0, first_calls = 0;
  pid_t last = 0;
  double t0 = seconds();
  for (unsigned i = 0; i < n; i++) {
    struct run_result r = run(inputs[i % 6]);
    done += r.done;
    fresh += r.pid != last;
    first_calls += i % 6 == 5 && r.ret == 1;
    last = r.pid;
  }
  double dt = seconds() - t0;
  CHECK(done == n, "%u of %u inputs reported DONE", done, n);
  if (persistent > 1) {
    unsigned want_forks = (n + persistent - 1) / persistent;
    CHECK(e.forks >= want_forks - 1 && e.forks <= want_forks, "%u forks for %u inputs", e.forks, n);
  } else {
    /* Fork mode: a fresh spare per input, no FORKED, and no EXIT for children that sent DONE. */
    CHECK(fresh == n && first_calls == n / 6, "%u fresh children, %u first calls for %u inputs",
          fresh, first_calls, n);
    CHECK(e.forks == 0 && e.exits == 0, "%u FORKED and %u EXIT messages in fork mode", e.forks,
          e.exits);
  }
  printf("loop: %u inputs, persistent %u, %u children, %.0f execs/s\n", n, persistent,
         persistent > 1 ? e.forks : fresh, n / dt);
  stop();
  return failures;
}

static int check_persistent(char *target) {
  struct engine_options opts;
  engine_defaults(&opts);
  opts.persistent = 4;
  start(target, &opts);
  for (int i = 1; i <= 10; i++) {
    struct run_result r = run("N");
    int want = (i - 1) % 4 + 1;
    CHECK(r.done && r.ret == want, "input %d ran as call %d of its child, want %d", i, r.ret, want);
  }
  struct run_result r = run("FUZ");
  CHECK(r.done && r.ret == 2, "FUZ in persistent mode returned %d", r.ret);
  r = run("E");
  CHECK(!r.done && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3, "exit(3): status %#x",
        r.status);
  r = run("N");
  CHECK(r.done && r.ret == 1, "after a crash a new child runs call %d, want 1", r.ret);
  printf("persistent: %u forks for 13 inputs\n", e.forks);
  stop();
  return failures;
}

static int check_crash(char *target, const char *input, const char *want, const char *text) {
  start(target, NULL);
  struct run_result r = run(input);
  int sig = 0, code = -1;
  CHECK(!r.done, "input %s reported DONE", input);
  if (sscanf(want, "signal:%d", &sig) == 1)
    CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig, "status %#x, want signal %d",
          r.status, sig);
  else if (sscanf(want, "exit:%d", &code) == 1)
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == code, "status %#x, want exit %d",
          r.status, code);
  CHECK(strstr(e.out, text) != NULL, "output lacks \"%s\":\n%s", text, e.out);
  struct run_result after = run("FUZ");
  CHECK(after.done && after.ret == 2, "the server did not serve an input after the crash");
  printf("crash %s: status %#x, report found\n", input, r.status);
  stop();
  return failures;
}

static int check_cmp(char *target) {
  struct engine_options opts;
  engine_defaults(&opts);
  opts.cmp = 1;
  start(target, &opts);
  run("MMAGIXWORD");
  run("CABCD");
  struct fwb_shm *shm = e.shm;
  struct fwb_memcmp_slot *ms = (void *)((char *)shm + shm->memcmp_offset);
  struct fwb_cmp_slot *cs = (void *)((char *)shm + shm->cmp_offset);
  int memcmp_seen = 0, cmp_seen = 0;
  for (int i = 0; i < FWB_MEMCMP_SLOTS; i++)
    memcmp_seen |= ms[i].len2 == 9 && memcmp(ms[i].s2, "MAGICWORD", 9) == 0 &&
                   memcmp(ms[i].s1, "MAGIXWORD", 9) == 0;
  for (int i = 0; i < FWB_CMP_SLOTS; i++)
    cmp_seen |= cs[i].size == 4 && (cs[i].arg1 == 0x46555A5Au || cs[i].arg2 == 0x46555A5Au) &&
                (cs[i].arg1 == 0x44434241u || cs[i].arg2 == 0x44434241u);
  CHECK(memcmp_seen, "memcmp operands MAGIXWORD/MAGICWORD not recorded");
  CHECK(cmp_seen, "cmp4 operands 0x46555A5A/0x44434241 not recorded");
  struct run_result r = run("MMAGICWORD");
  CHECK(r.done && r.ret == 7, "MAGICWORD returned %d", r.ret);
  printf("cmp: memcmp and cmp4 operands recorded\n");
  stop();
  return failures;
}

static int check_gcc(char *target) {
  start(target, NULL);
  run("FUZZ");
  struct fwb_shm *shm = e.shm;
  uint32_t tail = shm->counters_capacity - FWB_GCC_SLOTS;
  unsigned hit = nonzero(engine_counters(&e) + tail, FWB_GCC_SLOTS);
  uint64_t *pcs = engine_pcs(&e) + tail;
  unsigned named = 0;
  for (uint32_t i = 0; i < FWB_GCC_SLOTS; i++)
    named += pcs[i] != 0 && (pcs[i] >> FWB_PC_MODULE_SHIFT) != 0;
  CHECK(shm->gcc_mode == 1, "gcc_mode is %u", shm->gcc_mode);
  CHECK(hit >= 4, "%u gcc slots hit", hit);
  CHECK(named >= hit, "%u slots have a PC, %u were hit", named, hit);
  struct fwb_module *m = engine_modules(&e);
  int gcc_module = 0;
  for (uint32_t i = 0; i < shm->modules_count; i++)
    gcc_module |= (m[i].flags & FWB_MODULE_GCC) && m[i].path[0] == '/';
  CHECK(gcc_module, "no module registered with FWB_MODULE_GCC");
  unsigned before = hit;
  run("F");
  hit = nonzero(engine_counters(&e) + tail, FWB_GCC_SLOTS);
  CHECK(hit < before, "F hit %u gcc slots, FUZZ %u", hit, before);
  printf("gcc: FUZZ hit %u slots, %u PCs named\n", before, named);
  stop();
  return failures;
}

static int check_dlopen(char *target, const char *plugin) {
  setenv("FUZZWB_TEST_PLUGIN", plugin, 1);
  start(target, NULL);
  struct fwb_shm *shm = e.shm;
  uint32_t modules = shm->modules_count, used = shm->counters_used;
  struct run_result r = run("Dx");
  CHECK(r.done && r.ret == 11, "plugin returned %d", r.ret);
  CHECK(shm->modules_count == modules + 1, "modules %u -> %u", modules, shm->modules_count);
  struct fwb_module *m = &engine_modules(&e)[modules];
  CHECK(strstr(m->path, "plugin") && (m->flags & FWB_MODULE_DLOPEN) &&
            (m->flags & FWB_MODULE_PC_TABLE) && m->counter_start == used,
        "dlopen'd module %s flags %#x start %u", m->path, m->flags, m->counter_start);
  unsigned first = nonzero(engine_counters(&e) + m->counter_start, m->counter_count);
  r = run("Dy");
  CHECK(r.done && r.ret == 12, "plugin returned %d", r.ret);
  CHECK(shm->modules_count == modules + 1 && shm->counters_used == used + m->counter_count,
        "a second load registered again: %u modules, %u counters", shm->modules_count,
        shm->counters_used);
  unsigned second = nonzero(engine_counters(&e) + m->counter_start, m->counter_count);
  CHECK(first > 0 && second > 0, "plugin counters hit: %u then %u", first, second);
  printf("dlopen: %s at counters %u+%u, reused by the next child\n", m->path, m->counter_start,
         m->counter_count);
  stop();
  return failures;
}

static int check_reject(char *target) {
  struct engine_options opts;
  engine_defaults(&opts);
  opts.magic = 0x1234;
  char *argv[] = {target, NULL};
  CHECK(engine_start(&e, argv, &opts) != 0, "a bad magic was accepted");
  int status = engine_stop(&e);
  CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2, "bad magic: status %#x",
        status);
  CHECK(strstr(e.out, "fuzzwb: shared memory on fd 202 has magic") != NULL, "output: %s", e.out);
  engine_defaults(&opts);
  opts.version = "99";
  CHECK(engine_start(&e, argv, &opts) != 0, "a bad version was accepted");
  status = engine_stop(&e);
  CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2, "bad version: %#x", status);
  CHECK(strstr(e.out, "protocol version mismatch") != NULL, "output: %s", e.out);
  printf("reject: bad magic and bad version exit 2 with one line\n");
  return failures;
}

int main(int argc, char **argv) {
  /* A server that gave up leaves the control pipe without a reader. */
  signal(SIGPIPE, SIG_IGN);
  if (argc < 3) {
    fprintf(stderr, "usage: driver CHECK TARGET [ARGS]\n");
    return 2;
  }
  const char *check = argv[1];
  char *target = argv[2];
  if (!strcmp(check, "handshake") && argc == 4)
    return check_handshake(target, (unsigned)strtoul(argv[3], NULL, 0)) != 0;
  if (!strcmp(check, "counters"))
    return check_counters(target) != 0;
  if (!strcmp(check, "loop") && argc == 5)
    return check_loop(target, (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4])) != 0;
  if (!strcmp(check, "persistent"))
    return check_persistent(target) != 0;
  if (!strcmp(check, "crash") && argc == 6)
    return check_crash(target, argv[3], argv[4], argv[5]) != 0;
  if (!strcmp(check, "cmp"))
    return check_cmp(target) != 0;
  if (!strcmp(check, "gcc"))
    return check_gcc(target) != 0;
  if (!strcmp(check, "dlopen") && argc == 4)
    return check_dlopen(target, argv[3]) != 0;
  if (!strcmp(check, "orphans"))
    return check_orphans(target) != 0;
  if (!strcmp(check, "spare") && argc == 4)
    return check_spare(target, argv[3]) != 0;
  if (!strcmp(check, "dump") && argc == 6)
    return check_dump(target, argv[3], (unsigned)atoi(argv[4]), argv[5]) != 0;
  if (!strcmp(check, "reject"))
    return check_reject(target) != 0;
  fprintf(stderr, "driver: unknown check or wrong arguments: %s\n", check);
  return 2;
}
