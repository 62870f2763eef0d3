/* Bench target "checksum": framed register commands; a frame is acted on only if its CRC matches.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A frame: sync byte, command, payload length, payload, CRC-16 (little-endian). */
enum { SYNC = 0x7e, HEADER = 3, TRAILER = 2, MAX_PAYLOAD = 32, REGS = 64 };
enum { CMD_UNLOCK = 'U', CMD_APPEND = 'A', CMD_READ = 'R', CMD_CLEAR = 'C' };

struct frame {
  uint8_t cmd;
  uint8_t len;
  const uint8_t *payload;
};

struct device {
  uint8_t *regs; /* REGS bytes */
  int unlocked;
  unsigned cursor; /* where the next record lands: a length byte, then the payload */
  unsigned reads;
};

/* What a host would do with the replies; it keeps the optimizer from dropping the work. */
volatile unsigned checksum_sink;

/* CRC-16/CCITT-FALSE, bit by bit, as small firmware computes it. */
static uint16_t crc16(const uint8_t *p, size_t n) {
  uint16_t crc = 0xffff;
  for (size_t i = 0; i < n; i++) {
    crc ^= (uint16_t)(p[i] << 8);
    for (int b = 0; b < 8; b++)
      crc = (crc & 0x8000) ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
  }
  return crc;
}

/* Checks the shape each command needs before the CRC is computed. */
static int valid_shape(const struct frame *f) {
  switch (f->cmd) {
  case CMD_UNLOCK:
    return f->len == 0;
  case CMD_APPEND:
    return f->len >= 1 && f->len <= 16;
  case CMD_READ:
    return f->len == 1 && f->payload[0] < REGS;
  case CMD_CLEAR:
    return f->len == 0;
  default:
    return 0;
  }
}

/* Runs one frame. The planted bug: an append checks where it starts against the register file
 * but not where it ends, so an append that starts near the end runs past it. */
static void execute(struct device *d, const struct frame *f) {
  switch (f->cmd) {
  case CMD_UNLOCK:
    d->unlocked = 1;
    break;
  case CMD_APPEND:
    if (!d->unlocked || d->cursor >= REGS)
      break;
    d->regs[d->cursor] = f->len;
    memcpy(d->regs + d->cursor + 1, f->payload, f->len);
    d->cursor += 1u + f->len;
    break;
  case CMD_READ:
    checksum_sink = d->regs[f->payload[0]];
    d->reads++;
    break;
  default:
    memset(d->regs, 0, REGS);
    d->unlocked = 0;
    d->cursor = 0;
  }
}

/* Parses the frame at data; returns its size, or 0 if no valid frame starts there. */
static size_t parse(const uint8_t *data, size_t size, struct frame *f) {
  if (size < HEADER + TRAILER || data[0] != SYNC)
    return 0;
  f->cmd = data[1];
  f->len = data[2];
  f->payload = data + HEADER;
  if (f->len > MAX_PAYLOAD || size < (size_t)HEADER + f->len + TRAILER || !valid_shape(f))
    return 0;
  const uint8_t *trailer = f->payload + f->len;
  uint16_t stored = (uint16_t)(trailer[0] | trailer[1] << 8);
  if (crc16(data + 1, HEADER - 1 + f->len) != stored)
    return 0;
  return HEADER + f->len + TRAILER;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct device d = {malloc(REGS), 0, 0, 0};
  if (d.regs == NULL)
    return 0;
  memset(d.regs, 0, REGS);
  struct frame f;
  size_t used;
  while ((used = parse(data, size, &f)) != 0) {
    execute(&d, &f);
    data += used;
    size -= used;
  }
  checksum_sink = d.reads + d.regs[0];
  free(d.regs);
  return 0;
}
