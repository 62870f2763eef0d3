/* Bench target "nested": length-prefixed records three deep; the bug is in an innermost item. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The input is a list of sections:  tag 'S', 16-bit little-endian length, body.
 * A section body is a list of groups: type, 8-bit length, body.
 * An attribute group (type 2) is a list of items: tag, 8-bit length, value.
 * A record whose length runs past its parent rejects the whole input.
 */
enum { SECTION_TAG = 'S', GROUP_ATTRIBUTES = 2, GROUP_PADDING = 0, GROUP_BLOB = 1 };
enum { ITEM_NAME = 'N', ITEM_ID = 'I', ITEM_FLAGS = 'F' };

enum { NAME_MAX = 32, SLOTS = 8 };

struct object {
  char *name;      /* NAME_MAX bytes, NUL-terminated */
  unsigned *slots; /* SLOTS use counts, indexed by id */
  uint32_t id;
  uint8_t flags;
  unsigned items, groups, sections;
};

/* What a caller would do with the parsed objects; it keeps the optimizer from dropping them. */
volatile unsigned nested_sink;

/* The planted bug: an id is checked with > instead of >=, so id SLOTS counts one past the
 * table. */
static int read_item(struct object *o, uint8_t tag, const uint8_t *p, uint8_t len) {
  switch (tag) {
  case ITEM_NAME:
    if (len == 0 || len >= NAME_MAX)
      return -1;
    for (uint8_t i = 0; i < len; i++) {
      if (p[i] < 0x20 || p[i] > 0x7e)
        return -1;
      o->name[i] = (char)p[i];
    }
    o->name[len] = '\0';
    return 0;
  case ITEM_ID:
    if (len != 4)
      return -1;
    o->id = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (o->id > SLOTS)
      return -1;
    o->slots[o->id]++;
    return 0;
  case ITEM_FLAGS:
    if (len != 1 || (p[0] & 0xf0) != 0)
      return -1;
    o->flags = p[0];
    return 0;
  default:
    return -1;
  }
}

static int read_attributes(struct object *o, const uint8_t *p, size_t size) {
  while (size > 0) {
    if (size < 2 || p[1] > size - 2)
      return -1;
    if (read_item(o, p[0], p + 2, p[1]) != 0)
      return -1;
    o->items++;
    size -= 2u + p[1];
    p += 2u + p[1];
  }
  return 0;
}

static int read_section(struct object *o, const uint8_t *p, size_t size) {
  while (size > 0) {
    if (size < 2 || p[1] > size - 2)
      return -1;
    uint8_t type = p[0], len = p[1];
    if (type == GROUP_ATTRIBUTES) {
      if (read_attributes(o, p + 2, len) != 0)
        return -1;
    } else if (type == GROUP_BLOB) {
      nested_sink = len;
    } else if (type != GROUP_PADDING) {
      return -1;
    }
    o->groups++;
    size -= 2u + len;
    p += 2u + len;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct object o;
  memset(&o, 0, sizeof(o));
  o.name = malloc(NAME_MAX);
  o.slots = calloc(SLOTS, sizeof(*o.slots));
  if (o.name == NULL || o.slots == NULL) {
    free(o.name);
    free(o.slots);
    return 0;
  }
  while (size >= 3 && data[0] == SECTION_TAG) {
    size_t len = (size_t)data[1] | (size_t)data[2] << 8;
    if (len > size - 3 || read_section(&o, data + 3, len) != 0)
      break;
    o.sections++;
    size -= 3 + len;
    data += 3 + len;
  }
  nested_sink = o.sections + o.groups + o.items + o.slots[0] + o.flags;
  free(o.name);
  free(o.slots);
  return 0;
}
