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
  uint32_t persistent;
  pid_t live_child;   /* persistent child that will read the next RUN, 0 if none */
  uint32_t live_left; /* inputs that child will still run */
  unsigned forks;     /* FORKED messages seen */
  struct fwb_msg hello;
  char out[65536]; /* output since the last run started (a bounded tail) */
  size_t out_len;
};

struct run_result {
  int done;   /* DONE arrived */
  int ret;    /* its value */
  int status; /* wait status when the child ended without DONE */
  pid_t pid;
};

void engine_defaults(struct engine_options *opts);
/* 0 when HELLO arrived; -1 otherwise, with the reason printed. */
int engine_start(struct engine *e, char *const argv[], const struct engine_options *opts);
/* 0 when the input ended (DONE or EXIT of its child); -1 on a protocol error or timeout. */
int engine_run(struct engine *e, const void *data, size_t len, struct run_result *r);
/* Next status message (output is drained meanwhile); 0 on success, -1 on EOF or timeout. */
int engine_next_msg(struct engine *e, struct fwb_msg *m);
/* Closes the control pipe and returns the server's wait status, or -1 when it did not exit. */
int engine_stop(struct engine *e);
uint8_t *engine_counters(struct engine *e);
uint64_t *engine_pcs(struct engine *e);
struct fwb_module *engine_modules(struct engine *e);

#endif
