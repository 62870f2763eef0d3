/* Hands the input in shared memory to the harness as a buffer whose end ASan can see. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

/* Under ASan a malloc in every child costs about as much as the fork itself: the allocator and
 * the stack depot fault in copy-on-write pages each time. So the server keeps one heap chunk,
 * grown before forking, and the child copies the input to its end, starting on an 8-byte
 * boundary. The few bytes between the input and the chunk end are poisoned as a partial granule,
 * which ASan reports as a heap-buffer-overflow (it classifies by the redzone after it), exactly as
 * with libFuzzer's exact-size copy; a poisoned window before the input catches underflows (as
 * use-after-poison). Without ASan a plain exact-size malloc is cheap and exact. */
#define GUARD_BYTES 64
#define MIN_CHUNK 4096

typedef void (*poison_fn)(const volatile void *addr, size_t size);

static poison_fn poison, unpoison;
static uint8_t *chunk;
static size_t chunk_size;
static uint8_t *guard, *tail; /* poisoned around the current input */
static size_t guard_len, tail_len;
static uint8_t empty;

void fwb_input_init(void) {
  poison = (poison_fn)dlsym(RTLD_DEFAULT, "__asan_poison_memory_region");
  unpoison = (poison_fn)dlsym(RTLD_DEFAULT, "__asan_unpoison_memory_region");
  if (!poison || !unpoison)
    poison = unpoison = NULL;
}

void fwb_input_reserve(uint32_t len) {
  if (!poison || (chunk && len <= chunk_size))
    return;
  size_t size = chunk_size ? chunk_size : MIN_CHUNK;
  while (size < len)
    size *= 2;
  free(chunk);
  guard = tail = NULL;
  chunk = malloc(size);
  chunk_size = chunk ? size : 0;
  if (!chunk) {
    fprintf(stderr, "fuzzwb: cannot allocate %zu bytes for inputs\n", size);
    _exit(2);
  }
}

FWB_NO_SANITIZE const uint8_t *fwb_input_prepare(struct fwb_shm *shm, uint32_t *len_out) {
  uint32_t len = shm->input_len;
  if (len > shm->input_capacity)
    len = shm->input_capacity;
  *len_out = len;
  const uint8_t *src = fwb_shm_at(shm, shm->input_offset);
  if (!poison) {
    /* malloc(0) is kept too: a zero-byte chunk that any access reports under a sanitizer. */
    uint8_t *copy = malloc(len);
    if (len && !copy) {
      fprintf(stderr, "fuzzwb: cannot allocate %u bytes for the input\n", len);
      _exit(2);
    }
    if (len)
      memcpy(copy, src, len);
    return copy ? copy : &empty;
  }
  fwb_input_reserve(len);
  if (guard)
    unpoison(guard, guard_len);
  if (tail)
    unpoison(tail, tail_len);
  uint8_t *end = chunk + chunk_size;
  uint8_t *start = (uint8_t *)((uintptr_t)(end - len) & ~(uintptr_t)7);
  memcpy(start, src, len);
  guard = start - chunk > GUARD_BYTES ? start - GUARD_BYTES : chunk;
  guard_len = (size_t)(start - guard);
  tail = start + len;
  tail_len = (size_t)(end - tail);
  if (guard_len)
    poison(guard, guard_len);
  if (tail_len)
    poison(tail, tail_len);
  return start;
}

void fwb_input_release(const uint8_t *data) {
  if (!poison && data != &empty)
    free((void *)data);
}
