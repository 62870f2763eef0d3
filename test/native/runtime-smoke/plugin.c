/* An instrumented shared object that the test harness loads with dlopen inside a child. */
#include <stddef.h>
#include <stdint.h>

int plugin_run(const uint8_t *d, size_t n) {
  if (n > 1 && d[1] == 'x')
    return 11;
  if (n > 1 && d[1] == 'y')
    return 12;
  return 10;
}
