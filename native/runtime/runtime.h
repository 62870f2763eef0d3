/* Internal declarations shared by the runtime's files; none of these names leave the target. */
#ifndef FUZZWB_RUNTIME_H
#define FUZZWB_RUNTIME_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "fuzzwb_shm.h"

/* Runtime code runs inside instrumented processes and writes to memory the sanitizers know
 * nothing about (the memfd), so it must never be instrumented even if someone builds it so. */
#if defined(__clang__)
#define FWB_NO_SANITIZE __attribute__((no_sanitize("address", "undefined", "memory")))
#else
#define FWB_NO_SANITIZE __attribute__((no_sanitize_address, no_sanitize_undefined))
#endif

/* Exported names are the sanitizer callbacks, main, the marker and fuzzwb_*; the rest is
 * hidden so it cannot clash with the harness or the code under test. */
#define FWB_API __attribute__((visibility("default")))
#define FWB_HIDDEN __attribute__((visibility("hidden")))

/* The sanitizers intercept the libc wrappers of read, write, close, prctl and the signal calls,
 * and the first intercepted call in a fresh child copies a dozen of their pages; the first call
 * of a libc function the server never called binds it lazily, through a dozen pages of the
 * dynamic linker (measured: ~15 page faults each, on every input). So what every child runs
 * makes the system calls itself, through syscall(), which the server has bound already. */
#define FWB_SYS(name, ...) syscall(SYS_##name, ##__VA_ARGS__)

/* _exit for children: the engine already has the result, exit handlers would only cost time. */
static inline __attribute__((noreturn)) void fwb_child_exit(int code) {
  FWB_SYS(exit_group, code);
  __builtin_unreachable();
}

/* The libFuzzer harness API; LLVMFuzzerInitialize and fuzzwb_after_fork are optional. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void fuzzwb_after_fork(void) __attribute__((weak));

/* main.c */
FWB_HIDDEN uint32_t fwb_detect_sanitizers(void);
FWB_HIDDEN int fwb_run_init_hook(int *argc, char ***argv);

/* reproduce.c */
FWB_HIDDEN int fwb_reproduce_main(int argc, char **argv);

/* channel.c: the memfd and the two pipes to the engine */
/* Where the pipes live after fwb_channel_attach, out of reach of a harness that closes every
 * descriptor below FD_SETSIZE (daemonizing code does: for (fd = 0; fd < 1024; fd++) close(fd)).
 * AFL's 198/199 are in that range. The soft RLIMIT_NOFILE is raised to fit them if it must. */
#define FWB_CHANNEL_FD_MIN 1024
FWB_HIDDEN struct fwb_shm *fwb_channel_attach(void);
FWB_HIDDEN void fwb_send(uint32_t kind, int32_t pid, int32_t value, uint32_t seq);
FWB_HIDDEN int fwb_recv(struct fwb_msg *msg);
/* The control pipe's number, for the server's poll on the engine's hang-up. */
FWB_HIDDEN int fwb_channel_ctl_fd(void);
/* The number of a channel pipe the target closed or replaced since attach, -1 while both are
 * ours. Two fcntl calls: fwb_send checks before each DONE, once per command, not per mutant. */
FWB_HIDDEN int fwb_channel_lost(void);
/* Records in shm that the channel is lost (the engine reads it as the reason of the end that
 * follows), then ends the process with code 2: no message can reach the engine any more. */
FWB_HIDDEN __attribute__((noreturn)) void fwb_channel_give_up(int fd);
/* The engine closed the channel or is gone: nobody is left to kill and reap what the target
 * runs, so the fork server (the leader of the target's process group) kills the whole group,
 * itself and the harness's own children included. Elsewhere it just exits with code. */
FWB_HIDDEN __attribute__((noreturn)) void fwb_engine_gone(int code);

/* What the server hands a forked child so it can undo the server's setup. */
struct fwb_child_setup {
  sigset_t mask;            /* the harness's signal mask (the server blocks SIGCHLD) */
  struct sigaction sigchld; /* the harness's SIGCHLD disposition */
  int sigchld_default;      /* the harness's SIGCHLD disposition is SIG_DFL, as the server's */
  int sigchld_fd;           /* the server's signalfd */
  int take_read_fd;         /* fork mode: the server's end of the take pipe, -1 otherwise */
  int take_write_fd;        /* fork mode: where a spare says it took a command, -1 otherwise */
  pid_t server_pid;
};

/* Fork mode: what a spare writes on the take pipe once it read a command (12 bytes, atomic). */
struct fwb_take {
  uint32_t cmd; /* FWB_CMD_RUN: fork the next spare; FWB_CMD_END: shut down */
  int32_t pid;
  uint32_t seq;
};

/* forkserver.c: start-up, and the persistent-mode server */
FWB_HIDDEN __attribute__((noreturn)) void fwb_forkserver_main(int argc, char **argv);
FWB_HIDDEN pid_t fwb_raw_fork(void);

/* spare.c: the fork-mode server, which keeps spare children forked ahead */
FWB_HIDDEN __attribute__((noreturn)) void fwb_spare_server(struct fwb_shm *shm,
                                                           struct fwb_child_setup *setup);

/* child.c: the two kinds of child */
FWB_HIDDEN __attribute__((noreturn)) void
fwb_persistent_child(struct fwb_shm *shm, const struct fwb_child_setup *setup, uint32_t seq);
FWB_HIDDEN __attribute__((noreturn)) void fwb_spare_child(struct fwb_shm *shm,
                                                          const struct fwb_child_setup *setup);

/* input.c: the buffer the harness reads the input from */
FWB_HIDDEN void fwb_input_init(void);
FWB_HIDDEN void fwb_input_reserve(uint32_t len);
FWB_HIDDEN const uint8_t *fwb_input_prepare(struct fwb_shm *shm, uint32_t *len);
FWB_HIDDEN void fwb_input_release(const uint8_t *data);

/* mutate_batch.c: runs at most `budget` mutants the engine asked for in shm; returns how many
 * ran, and the last one's return value in *ret */
FWB_HIDDEN uint32_t fwb_mutate_batch(struct fwb_shm *shm, uint32_t budget, int *ret);

/* coverage.c */
FWB_HIDDEN void fwb_coverage_attach(struct fwb_shm *shm);
/* Points the counters at a private scratch area (1) or back at shared memory (0); 0 when the
 * scratch area cannot hold them (the counters stay shared). */
FWB_HIDDEN int fwb_coverage_private(int on);

/* modules.c */
FWB_HIDDEN void fwb_modules_add_guards(uint32_t *start, uint32_t *stop);
FWB_HIDDEN void fwb_modules_add_pcs(const uintptr_t *beg, const uintptr_t *end);
FWB_HIDDEN uint64_t fwb_modules_gcc_pc(uintptr_t pc);
FWB_HIDDEN void fwb_modules_attach(struct fwb_shm *shm);

/* cmp.c */
FWB_HIDDEN void fwb_cmp_attach(struct fwb_shm *shm);
/* Restarts the order of recorded compares; called before every input. */
FWB_HIDDEN void fwb_cmp_begin_input(void);
/* Stops recording compares (1) and resumes as the engine wants it (0). */
FWB_HIDDEN void fwb_cmp_pause(int paused);

/* leaks.c: with FWB_LEAK_WATCH, allocations are counted from begin to end, around the harness */
FWB_HIDDEN void fwb_leaks_install(struct fwb_shm *shm);
FWB_HIDDEN void fwb_leaks_begin(void);
/* Whether the input (data, len), run since fwb_leaks_begin, made more allocations than frees
 * and does so again when run once more; also stored in exec_leaky. */
FWB_HIDDEN int fwb_leaks_end(struct fwb_shm *shm, const uint8_t *data, uint32_t len);
/* With FWB_LEAK_CHECK: LeakSanitizer's check; a leak ends the child after LSan's report. */
FWB_HIDDEN void fwb_leaks_check(struct fwb_shm *shm);

/* signals.c */
FWB_HIDDEN void fwb_signals_install(void);

/* dump.c: installed in the fork server, so every child inherits it at no cost per input */
FWB_HIDDEN void fwb_dump_install(struct fwb_shm *shm);

/* report.c: async-signal-safe report pieces; fwb_put_* return the new length of buf */
FWB_HIDDEN size_t fwb_put_str(char *buf, size_t at, size_t cap, const char *s);
FWB_HIDDEN size_t fwb_put_num(char *buf, size_t at, size_t cap, unsigned long v, unsigned base);
/* Starts buf with "==PID==ERROR: fuzzwb: ". */
FWB_HIDDEN size_t fwb_put_pid_prefix(char *buf, size_t cap);
FWB_HIDDEN void fwb_write_stderr(const char *buf, size_t len);
/* backtrace() and backtrace_symbols_fd() to stderr; call fwb_backtrace_warm() first, outside
 * any signal handler. */
FWB_HIDDEN void fwb_print_backtrace(void);
FWB_HIDDEN void fwb_backtrace_warm(void);

/* Counter 0 is a sink: guards that got no range (capacity exhausted) all point at it. */
#define FWB_SINK_COUNTER 0u

static inline uint8_t *fwb_shm_at(struct fwb_shm *shm, uint64_t offset) {
  return (uint8_t *)shm + offset;
}

#endif /* FUZZWB_RUNTIME_H */
