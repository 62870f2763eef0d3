/* Splits a fuzz input into typed values for harnesses: a plain-C FuzzedDataProvider, header-only.
 *
 * Bytes, strings and "remaining" are taken from the front of the input; integers, booleans and
 * choices from the back, as libFuzzer's FuzzedDataProvider does, so a mutation of the data part
 * rarely changes the numbers that shape the call (and the other way round). When the input runs
 * out every function still returns a valid value (zero, the range minimum, an empty string), so
 * a harness never needs to check for the end itself.
 *
 *   #include <fuzzwb/data_provider.h>
 *   int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
 *     fuzzwb_fdp p;
 *     fuzzwb_fdp_init(&p, data, size);
 *     uint32_t flags = fuzzwb_fdp_u32(&p);
 *     char *name = fuzzwb_fdp_string(&p, 64);
 *     size_t len;
 *     const uint8_t *body = fuzzwb_fdp_remaining_bytes(&p, &len);
 *     ...
 *     free(name);
 *   }
 */
#ifndef FUZZWB_DATA_PROVIDER_H
#define FUZZWB_DATA_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fuzzwb_fdp {
  const uint8_t *data;
  size_t size;
} fuzzwb_fdp;

static inline void fuzzwb_fdp_init(fuzzwb_fdp *p, const uint8_t *data, size_t size) {
  p->data = data;
  p->size = data != NULL ? size : 0;
}

static inline size_t fuzzwb_fdp_remaining(const fuzzwb_fdp *p) { return p->size; }

/* A value in [min, max] from up to 8 bytes at the end of the input (min when it is empty). */
static inline uint64_t fuzzwb_fdp_u64_range(fuzzwb_fdp *p, uint64_t min, uint64_t max) {
  if (min >= max)
    return min;
  uint64_t range = max - min;
  uint64_t result = 0;
  unsigned offset = 0;
  while (offset < 64 && (range >> offset) > 0 && p->size > 0) {
    p->size--;
    result = (result << 8) | p->data[p->size];
    offset += 8;
  }
  if (range != UINT64_MAX)
    result %= range + 1;
  return min + result;
}

/* A signed value in [min, max]; the distance from min is drawn as an unsigned one. */
static inline int64_t fuzzwb_fdp_i64_range(fuzzwb_fdp *p, int64_t min, int64_t max) {
  if (min >= max)
    return min;
  uint64_t span = (uint64_t)max - (uint64_t)min;
  return (int64_t)((uint64_t)min + fuzzwb_fdp_u64_range(p, 0, span));
}

static inline uint8_t fuzzwb_fdp_u8(fuzzwb_fdp *p) {
  return (uint8_t)fuzzwb_fdp_u64_range(p, 0, UINT8_MAX);
}
static inline uint16_t fuzzwb_fdp_u16(fuzzwb_fdp *p) {
  return (uint16_t)fuzzwb_fdp_u64_range(p, 0, UINT16_MAX);
}
static inline uint32_t fuzzwb_fdp_u32(fuzzwb_fdp *p) {
  return (uint32_t)fuzzwb_fdp_u64_range(p, 0, UINT32_MAX);
}
static inline uint64_t fuzzwb_fdp_u64(fuzzwb_fdp *p) {
  return fuzzwb_fdp_u64_range(p, 0, UINT64_MAX);
}
static inline int8_t fuzzwb_fdp_i8(fuzzwb_fdp *p) {
  return (int8_t)fuzzwb_fdp_i64_range(p, INT8_MIN, INT8_MAX);
}
static inline int16_t fuzzwb_fdp_i16(fuzzwb_fdp *p) {
  return (int16_t)fuzzwb_fdp_i64_range(p, INT16_MIN, INT16_MAX);
}
static inline int32_t fuzzwb_fdp_i32(fuzzwb_fdp *p) {
  return (int32_t)fuzzwb_fdp_i64_range(p, INT32_MIN, INT32_MAX);
}
static inline int64_t fuzzwb_fdp_i64(fuzzwb_fdp *p) {
  return fuzzwb_fdp_i64_range(p, INT64_MIN, INT64_MAX);
}

/* One bit of the last byte. */
static inline bool fuzzwb_fdp_bool(fuzzwb_fdp *p) { return (fuzzwb_fdp_u8(p) & 1) != 0; }

/* An index in [0, count): picks an enum value or an array element (0 when count is 0). */
static inline size_t fuzzwb_fdp_pick(fuzzwb_fdp *p, size_t count) {
  return count == 0 ? 0 : (size_t)fuzzwb_fdp_u64_range(p, 0, (uint64_t)count - 1);
}

/* A double in [0, 1]. */
static inline double fuzzwb_fdp_probability(fuzzwb_fdp *p) {
  return (double)fuzzwb_fdp_u64(p) / (double)UINT64_MAX;
}

/* Up to n bytes from the front, in place (no copy); *got says how many. */
static inline const uint8_t *fuzzwb_fdp_bytes(fuzzwb_fdp *p, size_t n, size_t *got) {
  const uint8_t *at = p->data;
  size_t take = n < p->size ? n : p->size;
  if (take > 0) {
    p->data += take;
    p->size -= take;
  }
  *got = take;
  return at;
}

/* Copies up to n bytes from the front into out, zero-fills the rest; returns the count copied. */
static inline size_t fuzzwb_fdp_copy(fuzzwb_fdp *p, void *out, size_t n) {
  size_t got;
  const uint8_t *at = fuzzwb_fdp_bytes(p, n, &got);
  if (got > 0)
    memcpy(out, at, got);
  if (got < n)
    memset((uint8_t *)out + got, 0, n - got);
  return got;
}

/* Up to n bytes from the front in a malloc'd buffer of exactly that size, so the sanitizer sees
 * every read past its end (the input buffer may be larger). Free it; NULL when out of memory. */
static inline uint8_t *fuzzwb_fdp_bytes_dup(fuzzwb_fdp *p, size_t n, size_t *got) {
  const uint8_t *at = fuzzwb_fdp_bytes(p, n, got);
  uint8_t *copy = (uint8_t *)malloc(*got > 0 ? *got : 1);
  if (copy != NULL && *got > 0)
    memcpy(copy, at, *got);
  return copy;
}

/* A NUL-terminated string of at most max_len characters from the front, malloc'd (free it).
 * Its length is data-driven as in libFuzzer's ConsumeRandomLengthString: a backslash followed
 * by another is one backslash, a backslash followed by anything else ends the string. */
static inline char *fuzzwb_fdp_string(fuzzwb_fdp *p, size_t max_len) {
  size_t cap = max_len < p->size ? max_len : p->size;
  char *s = (char *)malloc(cap + 1);
  if (s == NULL)
    return NULL;
  size_t len = 0;
  while (len < max_len && p->size > 0) {
    char c = (char)p->data[0];
    p->data++;
    p->size--;
    if (c == '\\' && p->size > 0) {
      char next = (char)p->data[0];
      p->data++;
      p->size--;
      if (next != '\\')
        break;
    }
    s[len++] = c;
  }
  s[len] = '\0';
  return s;
}

/* Exactly n characters (fewer when the input ends) as a malloc'd NUL-terminated string. */
static inline char *fuzzwb_fdp_string_n(fuzzwb_fdp *p, size_t n) {
  size_t got;
  const uint8_t *at = fuzzwb_fdp_bytes(p, n, &got);
  char *s = (char *)malloc(got + 1);
  if (s == NULL)
    return NULL;
  if (got > 0)
    memcpy(s, at, got);
  s[got] = '\0';
  return s;
}

/* Everything that is left, in place; the provider is empty afterwards. */
static inline const uint8_t *fuzzwb_fdp_remaining_bytes(fuzzwb_fdp *p, size_t *len) {
  return fuzzwb_fdp_bytes(p, p->size, len);
}

#ifdef __cplusplus
}
#endif

#endif
