/* Module table: names instrumented modules by path and hands out their counter ranges. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

/* Where a module registered before shared memory existed keeps its guards and pc-table, so that
 * attaching can fill the shared PC table and retire ranges the shared counters cannot hold. */
struct module_source {
  uint32_t *guards_beg, *guards_end;
  const uintptr_t *pcs_beg, *pcs_end;
};

static struct fwb_module local_table[FWB_MAX_MODULES];
static struct module_source local_sources[FWB_MAX_MODULES];
static uint32_t local_count;
static uint32_t local_used = FWB_SINK_COUNTER + 1;

/* The table in use: the static one until the fork server attaches, then the shared one. Modules
 * loaded later (dlopen, possibly in a child) register straight into shared memory. */
static struct fwb_module *table = local_table;
static uint32_t *table_count = &local_count;
static uint32_t table_capacity = FWB_MAX_MODULES;
static uint32_t *counters_used = &local_used;
static uint32_t guard_limit = FWB_DEFAULT_COUNTERS - FWB_GCC_SLOTS;
static uint64_t *shared_pcs;
static int attached;

static void warn_once(const char *what) {
  static int warned;
  if (!warned) {
    warned = 1;
    fprintf(stderr, "fuzzwb: %s\n", what);
  }
}

/* The executable's load base: the runtime is always linked into the executable. */
static uintptr_t exe_base(void) {
  static uintptr_t base;
  Dl_info info;
  if (!base && dladdr((const void *)&local_count, &info))
    base = (uintptr_t)info.dli_fbase;
  return base;
}

/* Absolute path and load base of the module that holds addr; 0 when it cannot be named. */
static int module_of(const void *addr, char *path, uintptr_t *base) {
  Dl_info info;
  if (!dladdr(addr, &info) || !info.dli_fbase)
    return 0;
  *base = (uintptr_t)info.dli_fbase;
  char resolved[PATH_MAX];
  const char *name = info.dli_fname;
  if (*base == exe_base()) {
    ssize_t n = readlink("/proc/self/exe", resolved, sizeof resolved - 1);
    if (n <= 0)
      return 0;
    resolved[n] = '\0';
    name = resolved;
  } else if (!name || name[0] != '/') {
    if (!name || !realpath(name, resolved))
      return 0;
    name = resolved;
  }
  size_t len = strlen(name);
  if (len >= FWB_MODULE_PATH_MAX) {
    warn_once("a module path is too long for the module table: its coverage is not recorded");
    return 0;
  }
  memcpy(path, name, len + 1);
  return 1;
}

/* Latest entry for path with the given kind, or -1: a reloaded library finds its old range. */
static int find_module(const char *path, uint32_t gcc_flag) {
  for (int i = (int)__atomic_load_n(table_count, __ATOMIC_ACQUIRE) - 1; i >= 0; i--)
    if ((table[i].flags & FWB_MODULE_GCC) == gcc_flag && strcmp(table[i].path, path) == 0)
      return i;
  return -1;
}

FWB_NO_SANITIZE static int add_module(const char *path, uintptr_t base, uint32_t start,
                                      uint32_t count, uint32_t flags) {
  uint32_t i = *table_count;
  if (i >= table_capacity) {
    warn_once("module table full: coverage of further modules is not recorded");
    return -1;
  }
  struct fwb_module *m = &table[i];
  memset(m->path, 0, FWB_MODULE_PATH_MAX);
  memcpy(m->path, path, strlen(path) + 1);
  m->base = base;
  m->counter_start = start;
  m->counter_count = count;
  m->flags = flags;
  m->reserved = 0;
  __atomic_store_n(table_count, i + 1, __ATOMIC_RELEASE);
  return (int)i;
}

FWB_NO_SANITIZE static void fill_pcs(int index, uintptr_t base, const uintptr_t *beg,
                                     const uintptr_t *end) {
  const struct fwb_module *m = &table[index];
  size_t n = (size_t)(end - beg) / 2;
  if (n > m->counter_count)
    n = m->counter_count;
  uint64_t *out = shared_pcs + m->counter_start;
  for (size_t k = 0; k < n; k++) {
    uint64_t pc = FWB_PC_ENCODE(index, beg[2 * k] - base);
    out[k] = pc | ((beg[2 * k + 1] & 1) ? FWB_PC_FUNC_ENTRY_BIT : 0);
  }
}

static void assign_guards(uint32_t *start, uint32_t *stop, uint32_t first) {
  for (uint32_t *g = start; g < stop; g++)
    *g = first == FWB_SINK_COUNTER ? FWB_SINK_COUNTER : first + (uint32_t)(g - start);
}

FWB_NO_SANITIZE void fwb_modules_add_guards(uint32_t *start, uint32_t *stop) {
  char path[FWB_MODULE_PATH_MAX];
  uintptr_t base;
  uint32_t n = (uint32_t)(stop - start);
  if (!module_of(start, path, &base)) {
    assign_guards(start, stop, FWB_SINK_COUNTER);
    return;
  }
  int i = find_module(path, 0);
  if (i < 0 || table[i].counter_count != n) {
    uint32_t first = *counters_used;
    if (first + n > guard_limit) {
      warn_once("edge counters exhausted: coverage of further modules is not recorded");
      assign_guards(start, stop, FWB_SINK_COUNTER);
      return;
    }
    i = add_module(path, base, first, n, attached ? FWB_MODULE_DLOPEN : 0);
    if (i < 0) {
      assign_guards(start, stop, FWB_SINK_COUNTER);
      return;
    }
    __atomic_store_n(counters_used, first + n, __ATOMIC_RELEASE);
    if (shared_pcs)
      memset(shared_pcs + first, 0, (size_t)n * sizeof *shared_pcs);
    else
      local_sources[i] = (struct module_source){start, stop, NULL, NULL};
  }
  assign_guards(start, stop, table[i].counter_start);
}

FWB_NO_SANITIZE void fwb_modules_add_pcs(const uintptr_t *beg, const uintptr_t *end) {
  char path[FWB_MODULE_PATH_MAX];
  uintptr_t base;
  if (!module_of(beg, path, &base))
    return;
  int i = find_module(path, 0);
  if (i < 0)
    return;
  table[i].flags |= FWB_MODULE_PC_TABLE;
  if (shared_pcs)
    fill_pcs(i, base, beg, end);
  else {
    local_sources[i].pcs_beg = beg;
    local_sources[i].pcs_end = end;
  }
}

/* Slow path of gcc's trace-pc, once per hash slot: the encoded PC, registering its module. */
FWB_NO_SANITIZE uint64_t fwb_modules_gcc_pc(uintptr_t pc) {
  static uintptr_t last_base;
  static int last_index = -1;
  Dl_info info;
  if (!dladdr((const void *)pc, &info) || !info.dli_fbase)
    return 0;
  uintptr_t base = (uintptr_t)info.dli_fbase;
  if (base != last_base || last_index < 0) {
    char path[FWB_MODULE_PATH_MAX];
    if (!module_of((const void *)pc, path, &base))
      return 0;
    int i = find_module(path, FWB_MODULE_GCC);
    /* gcc modules share the hashed tail, so they own no range of their own. */
    if (i < 0)
      i = add_module(path, base, guard_limit, 0, FWB_MODULE_GCC);
    if (i < 0)
      return 0;
    last_base = base;
    last_index = i;
  }
  return FWB_PC_ENCODE(last_index, pc - base);
}

FWB_NO_SANITIZE void fwb_modules_attach(struct fwb_shm *shm) {
  struct fwb_module *shared = (struct fwb_module *)fwb_shm_at(shm, shm->modules_offset);
  uint32_t capacity = shm->modules_capacity;
  uint32_t limit = shm->counters_capacity - FWB_GCC_SLOTS;
  uint64_t *pcs = (uint64_t *)fwb_shm_at(shm, shm->pcs_offset);
  uint32_t used = local_used <= limit ? local_used : limit;
  memset(pcs, 0, (size_t)used * sizeof *pcs);
  memset(pcs + limit, 0, (size_t)FWB_GCC_SLOTS * sizeof *pcs);
  uint32_t count = 0;
  for (uint32_t i = 0; i < local_count; i++) {
    struct fwb_module m = local_table[i];
    const struct module_source *src = &local_sources[i];
    /* A range the shared counters cannot hold is retired to the sink rather than overflow. */
    if (i >= capacity || m.counter_start + m.counter_count > limit) {
      warn_once("shared memory too small for the loaded modules: some coverage is not recorded");
      if (src->guards_beg)
        assign_guards(src->guards_beg, src->guards_end, FWB_SINK_COUNTER);
      m.counter_count = 0;
      if (i >= capacity)
        continue;
    }
    shared[count++] = m;
  }
  table = shared;
  table_capacity = capacity;
  table_count = &shm->modules_count;
  counters_used = &shm->counters_used;
  guard_limit = limit;
  shared_pcs = pcs;
  attached = 1;
  __atomic_store_n(&shm->counters_used, used, __ATOMIC_RELEASE);
  __atomic_store_n(&shm->modules_count, count, __ATOMIC_RELEASE);
  for (uint32_t i = 0; i < count; i++) {
    const struct module_source *src = &local_sources[i];
    if (src->pcs_beg && table[i].counter_count)
      fill_pcs((int)i, (uintptr_t)table[i].base, src->pcs_beg, src->pcs_end);
  }
}
