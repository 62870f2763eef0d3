/* A small emulated DMA-capable serial device: the register interface a device model exposes. */
#ifndef EXAMPLE_DEVICE_H
#define EXAMPLE_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/* Register offsets (32-bit registers). */
enum {
  DEV_CTRL = 0x00,     /* bit 0 enable, bit 1 DMA enable, bit 2 soft reset, bit 3 loopback */
  DEV_STATUS = 0x04,   /* read: FIFO level in bits 0..7, IRQ pending in bit 8 */
  DEV_DATA = 0x08,     /* write: push to the FIFO; read: pop from it */
  DEV_DMA_LEN = 0x0c,  /* bytes the next DMA transfer moves */
  DEV_DMA_DST = 0x10,  /* offset in device RAM where the DMA writes */
  DEV_DOORBELL = 0x14, /* write 1: start the DMA transfer */
  DEV_IRQ_ACK = 0x18,  /* write: acknowledge the interrupt line given by the value */
};

#define DEV_CTRL_ENABLE 1u
#define DEV_CTRL_DMA 2u
#define DEV_CTRL_RESET 4u
#define DEV_CTRL_LOOPBACK 8u

#define DEV_FIFO_DEPTH 16
#define DEV_RAM_SIZE 64
#define DEV_IRQ_LINES 8

struct device;

struct device *device_new(void);
void device_free(struct device *d);
void device_reset(struct device *d);
uint32_t device_read(struct device *d, uint32_t offset);
void device_write(struct device *d, uint32_t offset, uint32_t value);
/* Advances the device clock: drains loopback data and raises interrupts. */
void device_clock(struct device *d, unsigned ticks);

#endif
