/* Baseline fork loops of the exec benchmark: libc fork() + waitpid, and the best raw-fork loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same input the engine's contender repeats. */
static const uint8_t kInput[] = "FUZZ";
#define INPUT_LEN (sizeof(kInput) - 1)

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what) {
  fprintf(stderr, "fork_loops: %s: %s\n", what, strerror(errno));
  return 1;
}

/* libc fork(): under ASan its interceptor runs the atfork handlers in every child, which is the
 * cost a naive fork loop pays. The parent waits for each child to be gone. */
static int run_libc(double end, unsigned long *execs) {
  while (now_seconds() < end) {
    pid_t pid = fork();
    if (pid < 0)
      return fail("fork");
    if (pid == 0) {
      LLVMFuzzerTestOneInput(kInput, INPUT_LEN);
      _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
      return fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "fork_loops: child ended with wait status %d\n", status);
      return 1;
    }
    ++*execs;
  }
  return 0;
}

/* Reads exactly len bytes; a short count means every writer is gone. */
static int read_full(int fd, char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    got += (size_t)n;
  }
  return 0;
}

/* The best raw loop (docs: DESIGN.md): the fork syscall skips the atfork handlers, the child
 * reports "done" before tearing down its address space, and the parent does not wait for that
 * teardown: it reaps whatever zombies exist, without blocking, once per input. */
static int run_raw(double end, unsigned long *execs) {
  int fds[2];
  if (pipe(fds) < 0)
    return fail("pipe");
  while (now_seconds() < end) {
    long pid = syscall(SYS_fork);
    if (pid < 0)
      return fail("fork");
    if (pid == 0) {
      LLVMFuzzerTestOneInput(kInput, INPUT_LEN);
      if (write(fds[1], "done", 4) != 4)
        _exit(3);
      _exit(0);
    }
    char buf[4];
    if (read_full(fds[0], buf, sizeof(buf)) < 0 || memcmp(buf, "done", 4) != 0) {
      fprintf(stderr, "fork_loops: child %ld did not report done\n", pid);
      return 1;
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    ++*execs;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "libc") != 0 && strcmp(argv[1], "raw") != 0)) {
    fprintf(stderr, "usage: %s libc|raw SECONDS\n", argv[0]);
    return 2;
  }
  double seconds = strtod(argv[2], NULL);
  unsigned long execs = 0;
  double start = now_seconds();
  double end = start + seconds;
  int rc = strcmp(argv[1], "libc") == 0 ? run_libc(end, &execs) : run_raw(end, &execs);
  if (rc != 0)
    return rc;
  /* The elapsed time stops at the last input, not after the final reap: the engine's contender
   * does not wait for its last children's teardown either. */
  double elapsed = now_seconds() - start;
  while (waitpid(-1, NULL, 0) > 0) {
  }
  printf("execs=%lu seconds=%.6f\n", execs, elapsed);
  return 0;
}
