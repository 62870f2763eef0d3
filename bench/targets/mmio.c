/* Bench target "mmio": a DMA device driven by register writes; the bug needs a sequence of them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The input is a program of 6-byte operations: kind (write, read), register index, 32-bit
 * little-endian value, run against a fresh device, in the spirit of QEMU's generic-fuzz.
 */
enum { OP_WRITE, OP_READ, OP_COUNT, OP_SIZE = 6 };
enum { REG_CTRL, REG_STATUS, REG_SRC, REG_LEN, REG_DOORBELL, REG_CHANNEL, REG_COUNT };
enum { CTRL_RESET = 1u << 0, CTRL_ENABLE = 1u << 1, CTRL_IRQ = 1u << 2 };
enum { STATE_OFF, STATE_READY, STATE_ARMED, STATE_DONE };
enum { BUF_SIZE = 64, SRC_SIZE = 256, CHANNELS = 4 };
/* Reset takes this key in CTRL bits 8-15, so a stray write cannot reset the engine. */
enum { RESET_KEY = 0x5a };
static const uint32_t DOORBELL_GO = 0xd00b;

struct device {
  int state;
  uint32_t src, len, status, irqs, channel;
  uint8_t *buf; /* BUF_SIZE bytes: the DMA destination */
  uint8_t source[SRC_SIZE];
};

/* What a driver would read back; it keeps the optimizer from dropping the device's work. */
volatile uint32_t mmio_sink;

static void device_init(struct device *d, uint8_t *buf) {
  memset(d, 0, sizeof(*d));
  d->buf = buf;
  for (unsigned i = 0; i < SRC_SIZE; i++)
    d->source[i] = (uint8_t)(i * 7);
}

static void write_ctrl(struct device *d, uint32_t value) {
  if (value & CTRL_RESET) {
    if ((value >> 8 & 0xff) != RESET_KEY) {
      d->status |= 0x40;
      return;
    }
    d->state = STATE_READY;
    d->src = d->len = d->status = d->channel = 0;
    return;
  }
  /* Enabling validates the transfer against the buffer and arms the engine. */
  if ((value & CTRL_ENABLE) && d->state == STATE_READY) {
    if (d->channel == 0 || d->src % 4 != 0 || d->len == 0 || d->len > BUF_SIZE ||
        d->src + d->len > SRC_SIZE)
      d->status |= 0x80;
    else
      d->state = STATE_ARMED;
  }
  if (value & CTRL_IRQ)
    d->irqs++;
}

/* Runs the armed transfer. The planted bug: LEN was validated when the engine was armed, but
 * writes to LEN are still accepted while it is armed, and the transfer trusts the new value. */
static void ring_doorbell(struct device *d, uint32_t value) {
  if (value != (DOORBELL_GO | d->channel << 16) || d->state != STATE_ARMED)
    return;
  memcpy(d->buf, d->source + d->src, d->len);
  d->state = STATE_DONE;
  d->status |= 1;
}

static void device_write(struct device *d, unsigned reg, uint32_t value) {
  switch (reg) {
  case REG_CTRL:
    write_ctrl(d, value);
    break;
  case REG_SRC:
    if (d->state == STATE_READY)
      d->src = value;
    break;
  case REG_LEN:
    if (d->state == STATE_READY || d->state == STATE_ARMED)
      d->len = value % SRC_SIZE;
    break;
  case REG_DOORBELL:
    ring_doorbell(d, value);
    break;
  case REG_CHANNEL:
    if (d->state == STATE_READY && value < CHANNELS)
      d->channel = value;
    break;
  default:
    d->status &= ~value; /* write-one-to-clear */
  }
}

static uint32_t device_read(const struct device *d, unsigned reg) {
  switch (reg) {
  case REG_STATUS:
    return d->status | (uint32_t)d->state << 8;
  case REG_LEN:
    return d->len;
  default:
    return d->state == STATE_DONE ? d->buf[0] : 0;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *buf = malloc(BUF_SIZE);
  if (buf == NULL)
    return 0;
  struct device d;
  device_init(&d, buf);
  for (size_t at = 0; at + OP_SIZE <= size; at += OP_SIZE) {
    const uint8_t *op = data + at;
    unsigned reg = op[1] % REG_COUNT;
    uint32_t value =
        (uint32_t)op[2] | (uint32_t)op[3] << 8 | (uint32_t)op[4] << 16 | (uint32_t)op[5] << 24;
    if (op[0] % OP_COUNT == OP_WRITE)
      device_write(&d, reg, value);
    else
      mmio_sink = device_read(&d, reg);
  }
  mmio_sink = d.irqs + d.status;
  free(buf);
  return 0;
}
