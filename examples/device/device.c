/* The emulated device: register file, FIFO, DMA engine and interrupt status, with planted bugs. */
#include "device.h"

#include <stdlib.h>
#include <string.h>

struct device {
  uint32_t ctrl;
  uint32_t dma_len;
  uint32_t dma_dst;
  uint32_t irq_pending;
  uint8_t *fifo; /* DEV_FIFO_DEPTH bytes, on the heap so overflows are caught */
  unsigned fifo_head, fifo_count;
  uint8_t ram[DEV_RAM_SIZE];
  struct dma_desc *last_desc; /* descriptor of the last transfer, for chained transfers */
  int desc_done;              /* last_desc was released when its interrupt was acknowledged */
  unsigned irq_counts[DEV_IRQ_LINES];
};

struct dma_desc {
  uint32_t len;
  uint32_t dst;
};

struct device *device_new(void) {
  struct device *d = calloc(1, sizeof(*d));
  if (d != NULL)
    d->fifo = calloc(DEV_FIFO_DEPTH, 1);
  return d;
}

void device_free(struct device *d) {
  if (d == NULL)
    return;
  if (!d->desc_done)
    free(d->last_desc);
  free(d->fifo);
  free(d);
}

void device_reset(struct device *d) {
  d->ctrl = 0;
  d->dma_len = 0;
  d->dma_dst = 0;
  d->irq_pending = 0;
  d->fifo_head = 0;
  d->fifo_count = 0;
  memset(d->ram, 0, sizeof(d->ram));
  memset(d->irq_counts, 0, sizeof(d->irq_counts));
}

static void fifo_push(struct device *d, uint8_t v) {
  if (d->fifo_count == DEV_FIFO_DEPTH)
    return;
  d->fifo[(d->fifo_head + d->fifo_count) % DEV_FIFO_DEPTH] = v;
  d->fifo_count++;
}

static uint8_t fifo_pop(struct device *d) {
  if (d->fifo_count == 0)
    return 0;
  uint8_t v = d->fifo[d->fifo_head];
  d->fifo_head = (d->fifo_head + 1) % DEV_FIFO_DEPTH;
  d->fifo_count--;
  return v;
}

/* Planted bug 1 (heap-buffer-overflow READ): the transfer is bounded by the RAM window only,
 * not by the FIFO, so a length above DEV_FIFO_DEPTH reads past the FIFO buffer.
 * Planted bug 2 (heap-use-after-free READ): a chained transfer (doorbell bit 1) reuses the
 * previous descriptor, which acknowledging interrupt line 0 freed without clearing. */
static void dma_start(struct device *d, int chained) {
  uint32_t len = d->dma_len, dst = d->dma_dst;
  if (chained && d->last_desc != NULL) {
    len = d->last_desc->len;
    dst = d->last_desc->dst;
  }
  if (dst >= DEV_RAM_SIZE)
    return;
  uint32_t room = DEV_RAM_SIZE - dst;
  uint32_t n = len < room ? len : room;
  for (uint32_t i = 0; i < n; i++)
    d->ram[dst + i] = d->fifo[i];
  d->fifo_count = 0;
  d->irq_pending |= 1u;
  if (!chained) {
    struct dma_desc *desc = malloc(sizeof(*desc));
    if (desc == NULL)
      return;
    desc->len = len;
    desc->dst = dst;
    if (!d->desc_done)
      free(d->last_desc);
    d->last_desc = desc;
    d->desc_done = 0;
  }
}

static void ctrl_write(struct device *d, uint32_t value) {
  if (value & DEV_CTRL_RESET)
    device_reset(d);
  d->ctrl = value & ~DEV_CTRL_RESET;
}

uint32_t device_read(struct device *d, uint32_t offset) {
  switch (offset) {
  case DEV_CTRL:
    return d->ctrl;
  case DEV_STATUS:
    return d->fifo_count | (d->irq_pending ? 0x100u : 0);
  case DEV_DATA:
    return (d->ctrl & DEV_CTRL_ENABLE) ? fifo_pop(d) : 0;
  case DEV_DMA_LEN:
    return d->dma_len;
  case DEV_DMA_DST:
    return d->dma_dst;
  default:
    return 0;
  }
}

void device_write(struct device *d, uint32_t offset, uint32_t value) {
  switch (offset) {
  case DEV_CTRL:
    ctrl_write(d, value);
    break;
  case DEV_DATA:
    if (d->ctrl & DEV_CTRL_ENABLE)
      fifo_push(d, (uint8_t)value);
    break;
  case DEV_DMA_LEN:
    d->dma_len = value;
    break;
  case DEV_DMA_DST:
    d->dma_dst = value;
    break;
  case DEV_DOORBELL:
    if ((value & 1u) &&
        (d->ctrl & (DEV_CTRL_ENABLE | DEV_CTRL_DMA)) == (DEV_CTRL_ENABLE | DEV_CTRL_DMA))
      dma_start(d, (value & 2u) != 0);
    break;
  case DEV_IRQ_ACK:
    /* Planted bug 3 (heap-buffer-overflow WRITE): the line number of a loopback interrupt
     * (line 1) is not checked against DEV_IRQ_LINES before it is counted. */
    if ((d->irq_pending & 2u) && value != 0)
      d->irq_counts[value % 64]++;
    if (value == 0 && (d->irq_pending & 1u) && !d->desc_done) {
      free(d->last_desc); /* the transfer is complete; the pointer is (wrongly) kept */
      d->desc_done = 1;
    }
    d->irq_pending &= ~(1u << (value % 32));
    break;
  default:
    break;
  }
}

void device_clock(struct device *d, unsigned ticks) {
  if (!(d->ctrl & DEV_CTRL_LOOPBACK))
    return;
  while (ticks-- > 0 && d->fifo_count > 0) {
    uint8_t v = fifo_pop(d);
    d->ram[v % DEV_RAM_SIZE] = v;
    d->irq_pending |= 2u;
  }
}
