/* Havoc mutations of byte inputs, made inside the target: the engine's mutator.ts, in C. */
#include <string.h>

#include "mutate.h"

static const int8_t interesting8[] = {-128, -1, 0, 1, 16, 32, 64, 100, 127};
static const int16_t interesting16[] = {-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767};
static const int32_t interesting32[] = {INT32_MIN, -100663046, -32769,    32768,
                                        65535,     65536,      100663045, INT32_MAX};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

FWB_NO_SANITIZE static uint64_t next(struct fwb_rng *r) {
  /* splitmix64: one add and a mix, and any seed (even 0) gives a full-period stream. */
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n) for n >= 1 (Lemire's multiply-shift: no division). */
FWB_NO_SANITIZE uint32_t fwb_rng_below(struct fwb_rng *r, uint32_t n) {
  return (uint32_t)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

static void put16(uint8_t *p, uint16_t v, int le) {
  p[le ? 0 : 1] = (uint8_t)v;
  p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p, int le) {
  return le ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[1] | p[0] << 8);
}

static void put32(uint8_t *p, uint32_t v, int le) {
  for (int i = 0; i < 4; i++)
    p[le ? i : 3 - i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p, int le) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++)
    v |= (uint32_t)p[le ? i : 3 - i] << (8 * i);
  return v;
}

/* Opens a gap of n bytes at `at` (n fits the capacity); the gap's old bytes are left. */
FWB_NO_SANITIZE static void open_gap(struct fwb_mutant *m, uint32_t at, uint32_t n) {
  memmove(m->data + at + n, m->data + at, m->len - at);
  m->len += n;
}

/* Inserts n bytes of src at `at` (n fits the capacity). */
FWB_NO_SANITIZE static void insert_at(struct fwb_mutant *m, uint32_t at, const uint8_t *src,
                                      uint32_t n) {
  open_gap(m, at, n);
  memcpy(m->data + at, src, n);
}

FWB_NO_SANITIZE static void arith(struct fwb_mutant *m, struct fwb_rng *r) {
  static const uint32_t widths[] = {1, 2, 4};
  uint32_t w = widths[fwb_rng_below(r, 3)];
  if (m->len < w)
    return;
  uint32_t at = fwb_rng_below(r, m->len - w + 1);
  int32_t delta = (int32_t)fwb_rng_below(r, 35) + 1;
  if (fwb_rng_below(r, 2))
    delta = -delta;
  int le = (int)fwb_rng_below(r, 2);
  uint8_t *p = m->data + at;
  if (w == 1)
    *p = (uint8_t)(*p + delta);
  else if (w == 2)
    put16(p, (uint16_t)(get16(p, le) + delta), le);
  else
    put32(p, get32(p, le) + (uint32_t)delta, le);
}

FWB_NO_SANITIZE static void interesting(struct fwb_mutant *m, struct fwb_rng *r) {
  static const uint32_t widths[] = {1, 2, 4};
  uint32_t w = widths[fwb_rng_below(r, 3)];
  if (m->len < w)
    return;
  uint8_t *p = m->data + fwb_rng_below(r, m->len - w + 1);
  int le = (int)fwb_rng_below(r, 2);
  if (w == 1)
    *p = (uint8_t)interesting8[fwb_rng_below(r, COUNT(interesting8))];
  else if (w == 2)
    put16(p, (uint16_t)interesting16[fwb_rng_below(r, COUNT(interesting16))], le);
  else
    put32(p, (uint32_t)interesting32[fwb_rng_below(r, COUNT(interesting32))], le);
}

FWB_NO_SANITIZE static void insert_bytes(struct fwb_mutant *m, struct fwb_rng *r) {
  if (m->len >= m->cap)
    return;
  uint32_t n = 1 + fwb_rng_below(r, fwb_rng_below(r, 4) == 0 ? 32 : 4);
  if (n > m->cap - m->len)
    n = m->cap - m->len;
  uint32_t at = fwb_rng_below(r, m->len + 1);
  open_gap(m, at, n);
  if (fwb_rng_below(r, 2))
    memset(m->data + at, (int)fwb_rng_below(r, 256), n);
  else
    for (uint32_t i = 0; i < n; i++)
      m->data[at + i] = (uint8_t)fwb_rng_below(r, 256);
}

FWB_NO_SANITIZE static void erase_bytes(struct fwb_mutant *m, struct fwb_rng *r) {
  if (m->len <= 1)
    return;
  uint32_t n = 1 + fwb_rng_below(r, m->len - 1 < 16 ? m->len - 1 : 16);
  uint32_t at = fwb_rng_below(r, m->len - n + 1);
  memmove(m->data + at, m->data + at + n, m->len - at - n);
  m->len -= n;
}

/* libFuzzer's CopyPart and CrossOver: a block of src (which may be the mutant itself, hence
 * the scratch copy) overwrites the mutant or goes into it, whole records as often as parts. */
FWB_NO_SANITIZE static void copy_part(struct fwb_mutant *m, const uint8_t *src, uint32_t src_len,
                                      struct fwb_rng *r) {
  if (src_len == 0 || m->len == 0)
    return;
  uint32_t n = 1 + fwb_rng_below(r, src_len);
  uint32_t from = fwb_rng_below(r, src_len - n + 1);
  memcpy(m->scratch, src + from, n);
  if (fwb_rng_below(r, 2) && n <= m->len) {
    memcpy(m->data + fwb_rng_below(r, m->len - n + 1), m->scratch, n);
    return;
  }
  if (m->len >= m->cap)
    return;
  if (n > m->cap - m->len)
    n = m->cap - m->len;
  insert_at(m, fwb_rng_below(r, m->len + 1), m->scratch, n);
}

FWB_NO_SANITIZE static void dictionary_token(struct fwb_mutant *m, const struct fwb_mutate_in *in,
                                             struct fwb_rng *r) {
  if (in->tokens == 0) {
    if (m->len)
      m->data[fwb_rng_below(r, m->len)] = (uint8_t)fwb_rng_below(r, 256);
    return;
  }
  const struct fwb_bytes *t = &in->token[fwb_rng_below(r, in->tokens)];
  if (fwb_rng_below(r, 2) && m->len >= t->len) {
    memcpy(m->data + fwb_rng_below(r, m->len - t->len + 1), t->data, t->len);
    return;
  }
  uint32_t n = t->len;
  if (n > m->cap - m->len)
    n = m->cap - m->len;
  insert_at(m, fwb_rng_below(r, m->len + 1), t->data, n);
}

/* Where the w-byte pattern sits in the mutant, searched from a random place on; -1 if nowhere. */
FWB_NO_SANITIZE static int64_t find(const struct fwb_mutant *m, const uint8_t *pat, uint32_t w,
                                    struct fwb_rng *r) {
  if (w == 0 || w > m->len)
    return -1;
  uint32_t span = m->len - w + 1;
  uint32_t start = fwb_rng_below(r, span);
  for (uint32_t k = 0; k < span; k++) {
    uint32_t at = start + k < span ? start + k : start + k - span;
    if (m->data[at] == pat[0] && memcmp(m->data + at, pat, w) == 0)
      return at;
  }
  return -1;
}

/* Puts `to` where `from` is in the mutant (input-to-state). When `from` is nowhere, `to` goes in
 * somewhere as a dictionary word does, inserted as often as written over (libFuzzer's
 * ApplyDictionaryEntry without a position hint): inserting is how a record that is not there yet
 * gets its value, and the input grows towards the length the compare wanted. */
FWB_NO_SANITIZE static void replace_or_place(struct fwb_mutant *m, const uint8_t *from,
                                             uint32_t from_len, const uint8_t *to, uint32_t to_len,
                                             struct fwb_rng *r) {
  int64_t at = find(m, from, from_len, r);
  if (at < 0) {
    if (fwb_rng_below(r, 2) && to_len <= m->cap - m->len) {
      insert_at(m, fwb_rng_below(r, m->len + 1), to, to_len);
      return;
    }
    if (to_len > m->len)
      return;
    at = fwb_rng_below(r, m->len - to_len + 1);
  }
  uint32_t n = to_len;
  if (n > m->len - (uint32_t)at) {
    /* A longer value than what it replaces near the end: the mutant grows if it may. */
    uint32_t room = m->cap - (uint32_t)at;
    n = n < room ? n : room;
    if ((uint32_t)at + n > m->len)
      m->len = (uint32_t)at + n;
  }
  memcpy(m->data + at, to, n);
}

/* The fewest bytes that hold v, so a 16-bit length field compared as size_t is still found. */
static uint32_t width_of(uint64_t v, uint32_t size) {
  uint32_t w = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
  return w < size ? w : size;
}

/* One operand pair of a recent compare: where one operand's bytes are, the other's go (either
 * byte order, at the operand's width or the narrowest that holds it), sometimes off by one for
 * an ordering compare. libFuzzer's TORC and AFL++'s RedQueen, on every mutant. */
FWB_NO_SANITIZE static void compare_operand(struct fwb_mutant *m, const struct fwb_mutate_in *in,
                                            struct fwb_rng *r) {
  if (in->memcmps > 0 && (in->cmps == 0 || fwb_rng_below(r, 4) == 0)) {
    const struct fwb_memcmp_slot *s = in->memcmp[fwb_rng_below(r, in->memcmps)];
    if (fwb_rng_below(r, 2))
      replace_or_place(m, s->s1, s->len1, s->s2, s->len2, r);
    else
      replace_or_place(m, s->s2, s->len2, s->s1, s->len1, r);
    return;
  }
  if (in->cmps == 0)
    return;
  const struct fwb_cmp_slot *s = in->cmp[fwb_rng_below(r, in->cmps)];
  /* A constant (arg1 of a const compare) is what the input's value should become; between two
   * variables either may be the input's. */
  uint64_t from = s->arg2, to = s->arg1;
  if (!(s->flags & FWB_CMP_CONST) && fwb_rng_below(r, 2)) {
    from = s->arg1;
    to = s->arg2;
  }
  switch (fwb_rng_below(r, 8)) {
  case 0:
    to++;
    break;
  case 1:
    to--;
    break;
  default:
    break;
  }
  uint32_t size = s->size == 1 || s->size == 2 || s->size == 4 || s->size == 8 ? s->size : 8;
  uint32_t w = fwb_rng_below(r, 2) ? size : width_of(from, size);
  int le = fwb_rng_below(r, 4) != 0;
  uint8_t a[8], b[8];
  for (uint32_t i = 0; i < w; i++) {
    a[le ? i : w - 1 - i] = (uint8_t)(from >> (8 * i));
    b[le ? i : w - 1 - i] = (uint8_t)(to >> (8 * i));
  }
  replace_or_place(m, a, w, b, w, r);
}

/* The mutant's head up to a cut, then the other input's tail from some place on. */
FWB_NO_SANITIZE static void splice(struct fwb_mutant *m, const struct fwb_bytes *other,
                                   struct fwb_rng *r) {
  uint32_t cut = fwb_rng_below(r, m->len + 1);
  uint32_t from = fwb_rng_below(r, other->len);
  uint32_t n = other->len - from;
  if (n > m->cap - cut)
    n = m->cap - cut;
  memcpy(m->data + cut, other->data + from, n);
  m->len = cut + n;
}

FWB_NO_SANITIZE void fwb_mutant_start(struct fwb_mutant *m, const struct fwb_bytes *parent,
                                      struct fwb_rng *r) {
  if (parent->len > 0) {
    memcpy(m->data, parent->data, parent->len);
    m->len = parent->len;
  } else {
    m->data[0] = (uint8_t)fwb_rng_below(r, 256);
    m->len = 1;
  }
}

/* libFuzzer's InsertRepeatedBytes: a run of 3 to 128 equal bytes, often 0 or 0xff. */
FWB_NO_SANITIZE static void insert_repeated(struct fwb_mutant *m, struct fwb_rng *r) {
  uint32_t room = m->cap - m->len;
  if (room < 3)
    return;
  uint32_t max = room < 128 ? room : 128;
  uint32_t n = 3 + fwb_rng_below(r, max - 3 + 1);
  uint32_t at = fwb_rng_below(r, m->len + 1);
  int byte = fwb_rng_below(r, 2) ? (int)fwb_rng_below(r, 256) : fwb_rng_below(r, 2) ? 0 : 0xff;
  open_gap(m, at, n);
  memset(m->data + at, byte, n);
}

/* libFuzzer's ShuffleBytes: up to 8 bytes in a row, reordered. */
FWB_NO_SANITIZE static void shuffle_bytes(struct fwb_mutant *m, struct fwb_rng *r) {
  uint32_t n = 1 + fwb_rng_below(r, m->len < 8 ? m->len : 8);
  uint8_t *p = m->data + fwb_rng_below(r, m->len - n + 1);
  for (uint32_t i = n; i > 1; i--) {
    uint32_t j = fwb_rng_below(r, i);
    uint8_t t = p[i - 1];
    p[i - 1] = p[j];
    p[j] = t;
  }
}

/* libFuzzer's ChangeBinaryInteger: near the start, sometimes the input's size (a length field
 * that covers the whole input), else a small delta, in either byte order. */
FWB_NO_SANITIZE static void size_or_delta(struct fwb_mutant *m, struct fwb_rng *r) {
  static const uint32_t widths[] = {1, 2, 4, 8};
  uint32_t w = widths[fwb_rng_below(r, 4)];
  if (m->len < w)
    return;
  uint32_t at = fwb_rng_below(r, m->len - w + 1);
  int le = (int)fwb_rng_below(r, 2);
  uint64_t v = 0;
  if (at < 64 && fwb_rng_below(r, 4) == 0) {
    v = m->len;
  } else {
    for (uint32_t i = 0; i < w; i++)
      v |= (uint64_t)m->data[at + (le ? i : w - 1 - i)] << (8 * i);
    v += (uint64_t)((int64_t)fwb_rng_below(r, 21) - 10);
  }
  for (uint32_t i = 0; i < w; i++)
    m->data[at + (le ? i : w - 1 - i)] = (uint8_t)(v >> (8 * i));
}

FWB_NO_SANITIZE void fwb_mutate_once(struct fwb_mutant *m, const struct fwb_bytes *other,
                                     const struct fwb_mutate_in *in, struct fwb_rng *r) {
  switch (fwb_rng_below(r, 15)) {
  case 0:
    m->data[fwb_rng_below(r, m->len)] ^= (uint8_t)(1u << fwb_rng_below(r, 8));
    break;
  case 1:
    m->data[fwb_rng_below(r, m->len)] = (uint8_t)fwb_rng_below(r, 256);
    break;
  case 2:
    arith(m, r);
    break;
  case 3:
    interesting(m, r);
    break;
  case 4:
    insert_bytes(m, r);
    break;
  case 5:
    insert_repeated(m, r);
    break;
  case 6:
    erase_bytes(m, r);
    break;
  case 7:
    shuffle_bytes(m, r);
    break;
  case 8:
    size_or_delta(m, r);
    break;
  case 9:
    copy_part(m, m->data, m->len, r);
    break;
  case 10:
    copy_part(m, other->len ? other->data : m->data, other->len ? other->len : m->len, r);
    break;
  case 11:
    if (other->len)
      splice(m, other, r);
    else
      insert_bytes(m, r);
    break;
  case 12:
    dictionary_token(m, in, r);
    break;
  default:
    compare_operand(m, in, r);
    break;
  }
  if (m->len == 0) {
    m->data[0] = (uint8_t)fwb_rng_below(r, 256);
    m->len = 1;
  }
}
