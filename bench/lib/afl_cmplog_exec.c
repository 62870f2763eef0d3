/* Linked into the main (ASan) AFL++ target so that Debian's afl-fuzz 4.04c really runs the -c
 * CMPLOG binary: its CMPLOG fork server execs the main target with the CMPLOG binary's path as
 * argv[0] (seen with strace), so without this no comparison is ever logged. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs before AFL++'s runtime constructors, so nothing of the wrong binary has started yet.
 * afl-fuzz sets this variable only in the CMPLOG fork server's environment. */
__attribute__((constructor(1))) static void exec_cmplog_binary(int argc, char **argv) {
  (void)argc;
  if (getenv("___AFL_EINS_ZWEI_POLIZEI___") == NULL || argv == NULL || argv[0] == NULL)
    return;
  char self[PATH_MAX], wanted[PATH_MAX];
  if (realpath("/proc/self/exe", self) == NULL || realpath(argv[0], wanted) == NULL)
    return;
  if (strcmp(self, wanted) != 0)
    execv(wanted, argv);
}
