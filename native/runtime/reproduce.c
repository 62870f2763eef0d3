/* Reproduce mode: `./target FILE|DIR...` runs each input once in-process, like libFuzzer. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "runtime.h"

static void usage(const char *self) {
  fprintf(stderr,
          "Usage: %s [-flag=value ...] FILE|DIR ...\n"
          "Runs each FILE, and each file in each DIR, once through LLVMFuzzerTestOneInput.\n"
          "Flags starting with '-' are accepted for libFuzzer compatibility and ignored.\n"
          "  -help=1   print this help\n"
          "Fuzzing is done by the fuzzwb engine, which starts this binary with %s set.\n",
          self, FWB_ENV_FORKSERVER);
}

static int is_help(const char *arg) {
  return strcmp(arg, "-help") == 0 || strcmp(arg, "-help=1") == 0 || strcmp(arg, "--help") == 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the whole file into an allocation of exactly its size; NULL (errno set) on failure. */
static uint8_t *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *data = NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && (data = malloc(st.st_size ? (size_t)st.st_size : 1))) {
    *size = fread(data, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
      free(data);
      data = NULL;
      errno = EIO;
    }
  }
  fclose(f);
  return data;
}

static int run_file(const char *path) {
  size_t size = 0;
  uint8_t *data = read_file(path, &size);
  if (!data) {
    fprintf(stderr, "ERROR: cannot read %s: %s\n", path, strerror(errno));
    return 1;
  }
  fprintf(stderr, "Running: %s\n", path);
  double start = now_ms();
  LLVMFuzzerTestOneInput(data, size);
  fprintf(stderr, "Executed %s in %.0f ms\n", path, now_ms() - start);
  free(data);
  return 0;
}

static int only_regular(const struct dirent *entry) { return entry->d_name[0] != '.'; }

static int run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "ERROR: cannot read %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!S_ISDIR(st.st_mode))
    return run_file(path);
  struct dirent **entries;
  int n = scandir(path, &entries, only_regular, alphasort);
  if (n < 0) {
    fprintf(stderr, "ERROR: cannot list %s: %s\n", path, strerror(errno));
    return 1;
  }
  int failed = 0;
  for (int i = 0; i < n; i++) {
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, entries[i]->d_name);
    if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
      failed |= run_file(child);
    free(entries[i]);
  }
  free(entries);
  return failed;
}

int fwb_reproduce_main(int argc, char **argv) {
  int files = 0;
  for (int i = 1; i < argc; i++) {
    if (is_help(argv[i])) {
      usage(argv[0]);
      return 0;
    }
    files += argv[i][0] != '-';
  }
  if (files == 0) {
    usage(argv[0]);
    return 2;
  }
  fwb_run_init_hook(&argc, &argv);
  int failed = 0;
  int ran = 0;
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-') {
      failed |= run_path(argv[i]);
      ran++;
    }
  if (!failed)
    fprintf(stderr, "INFO: %d input path(s) ran without a crash\n", ran);
  return failed;
}
