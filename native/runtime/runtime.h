/* Internal declarations shared by the runtime's files; none of these names leave the target. */
#ifndef FUZZWB_RUNTIME_H
#define FUZZWB_RUNTIME_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
FWB_HIDDEN struct fwb_shm *fwb_channel_attach(void);
FWB_HIDDEN void fwb_send(uint32_t kind, int32_t pid, int32_t value, uint32_t seq);
FWB_HIDDEN int fwb_recv(struct fwb_msg *msg);

/* forkserver.c */
FWB_HIDDEN __attribute__((noreturn)) void fwb_forkserver_main(int argc, char **argv);

/* child.c: what the server hands a forked child so it can undo the server's signal setup */
struct fwb_child_setup {
  sigset_t mask;            /* the harness's signal mask (the server blocks SIGCHLD) */
  struct sigaction sigchld; /* the harness's SIGCHLD disposition */
  int sigchld_fd;           /* the server's signalfd */
  pid_t server_pid;
};
FWB_HIDDEN __attribute__((noreturn)) void
fwb_child_main(struct fwb_shm *shm, const struct fwb_child_setup *setup, uint32_t seq);

/* input.c: the buffer the harness reads the input from */
FWB_HIDDEN void fwb_input_init(void);
FWB_HIDDEN void fwb_input_reserve(uint32_t len);
FWB_HIDDEN const uint8_t *fwb_input_prepare(struct fwb_shm *shm, uint32_t *len);
FWB_HIDDEN void fwb_input_release(const uint8_t *data);

/* coverage.c */
FWB_HIDDEN void fwb_coverage_attach(struct fwb_shm *shm);

/* modules.c */
FWB_HIDDEN void fwb_modules_add_guards(uint32_t *start, uint32_t *stop);
FWB_HIDDEN void fwb_modules_add_pcs(const uintptr_t *beg, const uintptr_t *end);
FWB_HIDDEN uint64_t fwb_modules_gcc_pc(uintptr_t pc);
FWB_HIDDEN void fwb_modules_attach(struct fwb_shm *shm);

/* cmp.c */
FWB_HIDDEN void fwb_cmp_attach(struct fwb_shm *shm);

/* signals.c */
FWB_HIDDEN void fwb_signals_install(void);

/* Counter 0 is a sink: guards that got no range (capacity exhausted) all point at it. */
#define FWB_SINK_COUNTER 0u

static inline uint8_t *fwb_shm_at(struct fwb_shm *shm, uint64_t offset) {
  return (uint8_t *)shm + offset;
}

#endif /* FUZZWB_RUNTIME_H */
