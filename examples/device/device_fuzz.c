/* Fuzz harness for the example device: the input is a program of MMIO reads, writes and clock
 * steps, run against a fresh device (in the spirit of QEMU's generic-fuzz). */
#include "device.h"

#include <stddef.h>
#include <stdint.h>

enum { OP_WRITE, OP_READ, OP_CLOCK, OP_COUNT };

/* One operation is 6 bytes: kind, register index, 32-bit little-endian value. */
#define OP_SIZE 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct device *d = device_new();
  if (d == NULL)
    return 0;
  for (size_t at = 0; at + OP_SIZE <= size; at += OP_SIZE) {
    const uint8_t *op = data + at;
    uint32_t reg = (uint32_t)(op[1] % 8) * 4;
    uint32_t value =
        (uint32_t)op[2] | (uint32_t)op[3] << 8 | (uint32_t)op[4] << 16 | (uint32_t)op[5] << 24;
    switch (op[0] % OP_COUNT) {
    case OP_WRITE:
      device_write(d, reg, value);
      break;
    case OP_READ:
      (void)device_read(d, reg);
      break;
    default:
      device_clock(d, value % 16);
      break;
    }
  }
  device_free(d);
  return 0;
}
