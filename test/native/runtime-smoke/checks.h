/* What the smoke checks share: the fake engine they drive, CHECK, and start/run/stop helpers. */
#ifndef FUZZWB_TEST_CHECKS_H
#define FUZZWB_TEST_CHECKS_H

#include <stdio.h>
#include <sys/types.h>

#include "engine.h"

extern int failures;
extern struct engine e;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

/* driver.c: start exits the driver when there is no HELLO, run when an input gets no result */
void start(char *target, const struct engine_options *opts);
struct run_result run(const char *input);
/* Stops the server and checks that it exited 0 on control EOF. */
int stop(void);

/* lifecycle.c */
void pause_ms(long ms);
/* 1 while pid exists and is not a zombie. */
int alive(pid_t pid);
int check_orphans(char *target);
int check_spare(char *target, char *marker);

/* dump.c */
int check_dump(char *target, const char *kind, unsigned persistent, const char *text);

#endif
