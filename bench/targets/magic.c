/* Bench target "magic": a chunked image format; the bug needs a signature and three chunk tags. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The file starts with this signature, as PNG's does; a wrong byte anywhere rejects the file. */
static const uint8_t SIGNATURE[8] = {0x89, 'F', 'W', 'B', '\r', '\n', 0x1a, '\n'};

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

enum { COLOUR_GREY = 0, COLOUR_RGB = 2, COLOUR_PALETTE = 3 };

struct image {
  uint32_t width, height;
  uint8_t depth, colour_type;
  int have_header;
  uint8_t *palette; /* palette_len RGB entries */
  unsigned palette_len;
  uint8_t *alpha; /* one alpha value per palette entry */
};

/* What a caller would use the decoded image for; it keeps the optimizer from dropping the work. */
volatile unsigned magic_sink;

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int valid_depth(uint8_t colour_type, uint8_t depth) {
  switch (colour_type) {
  case COLOUR_GREY:
    return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
  case COLOUR_RGB:
    return depth == 8 || depth == 16;
  case COLOUR_PALETTE:
    return depth == 1 || depth == 2 || depth == 4 || depth == 8;
  default:
    return 0;
  }
}

static int read_header(struct image *img, const uint8_t *p, uint32_t len) {
  if (img->have_header || len != 10)
    return -1;
  img->width = get32(p);
  img->height = get32(p + 4);
  img->depth = p[8];
  img->colour_type = p[9];
  if (img->width == 0 || img->height == 0 || img->width > 1u << 16 || img->height > 1u << 16)
    return -1;
  if (!valid_depth(img->colour_type, img->depth))
    return -1;
  img->have_header = 1;
  return 0;
}

static int read_palette(struct image *img, const uint8_t *p, uint32_t len) {
  if (img->colour_type != COLOUR_PALETTE || img->palette != NULL)
    return -1;
  if (len == 0 || len % 3 != 0 || len / 3 > (1u << img->depth))
    return -1;
  img->palette_len = len / 3;
  img->palette = malloc(len);
  img->alpha = malloc(img->palette_len);
  if (img->palette == NULL || img->alpha == NULL)
    return -1;
  memcpy(img->palette, p, len);
  memset(img->alpha, 0xff, img->palette_len);
  return 0;
}

/* Transparency of palette entries. The planted bug: the length is checked against the largest
 * palette the format allows (256) instead of this image's palette. */
static int read_transparency(struct image *img, const uint8_t *p, uint32_t len) {
  if (img->palette == NULL || len > 256)
    return -1;
  memcpy(img->alpha, p, len);
  return 0;
}

static int read_chunk(struct image *img, uint32_t tag, const uint8_t *p, uint32_t len) {
  if (!img->have_header && tag != TAG('H', 'E', 'A', 'D'))
    return -1;
  switch (tag) {
  case TAG('H', 'E', 'A', 'D'):
    return read_header(img, p, len);
  case TAG('P', 'A', 'L', 'T'):
    return read_palette(img, p, len);
  case TAG('T', 'R', 'N', 'S'):
    return read_transparency(img, p, len);
  case TAG('T', 'E', 'X', 'T'):
    magic_sink = len;
    return 0;
  default:
    /* Unknown ancillary chunks (lower-case first letter) are skipped; critical ones are not. */
    return (tag >> 24 & 0x20) ? 0 : -1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < sizeof(SIGNATURE) || memcmp(data, SIGNATURE, sizeof(SIGNATURE)) != 0)
    return 0;
  struct image img;
  memset(&img, 0, sizeof(img));
  size_t at = sizeof(SIGNATURE);
  while (size - at >= 8) {
    uint32_t len = get32(data + at);
    uint32_t tag = get32(data + at + 4);
    at += 8;
    if (len > size - at || read_chunk(&img, tag, data + at, len) != 0)
      break;
    at += len;
  }
  if (img.palette != NULL)
    magic_sink = img.palette[0] + img.alpha[0] + img.width * img.height;
  free(img.palette);
  free(img.alpha);
  return 0;
}
