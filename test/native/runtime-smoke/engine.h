/* A minimal engine side of the fork-server protocol, to test the runtime without the addon. */
#ifndef FUZZWB_TEST_ENGINE_H
#define FUZZWB_TEST_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fuzzwb_shm.h"

struct engine_options {
  uint32_t persistent; /* inputs per child, 1 = fork per input */
  int cmp;             /* record trace-cmp operands */
  uint64_t magic;      /* written into the header; FWB_SHM_MAGIC unless testing rejection */
  const char *version; /* value of FUZZWB_FORKSERVER */
};

struct engine {
  pid_t pid;  /* the fork server */
  int ctl;    /* write end of the control pipe */
  int status; /* read end of the status pipe */
  int output; /* read end of the target's stdout+stderr */
  struct fwb_shm *shm;
  size_t size;
  uint32_t seq;
  unsigned forks; /* FORKED messages seen (persistent mode only) */
  unsigned exits; /* EXIT messages seen */
  struct fwb_msg hello;
  char out[65536]; /* output since the last run started (a bounded tail) */
  size_t out_len;
};

struct run_result {
  int done;   /* DONE arrived */
  int ret;    /* its value */
  int error;  /* ERROR arrived: the fork server gave up */
  int status; /* wait status when the child ended without DONE (ERROR: its value) */
  pid_t pid;
};

void engine_defaults(struct engine_options *opts);
/* 0 when HELLO arrived; -1 otherwise, with the reason printed. */
int engine_start(struct engine *e, char *const argv[], const struct engine_options *opts);
/* 0 when the input ended (DONE, EXIT of its child, or ERROR); -1 on a protocol error or
 * timeout. */
int engine_run(struct engine *e, const void *data, size_t len, struct run_result *r);
/* Next status message (output is drained meanwhile); 0 on success, -1 on EOF or timeout. */
int engine_next_msg(struct engine *e, struct fwb_msg *m);
/* Closes the control pipe and returns the server's wait status, or -1 when it did not exit. */
int engine_stop(struct engine *e);
/* The child that took input seq (from shared memory), 0 while none has. */
pid_t engine_running(struct engine *e, uint32_t seq);
uint8_t *engine_counters(struct engine *e);
uint64_t *engine_pcs(struct engine *e);
struct fwb_module *engine_modules(struct engine *e);

#endif
