// Hit-count buckets and the accumulated coverage map that decide whether an input was new.
#include "feedback.h"

#include "fuzzwb_shm.h"

#include <cstring>

namespace fuzzwb {
namespace {

// fwb_bucket_bit as a table: the merge looks up every non-zero counter.
struct BucketTable {
  uint8_t bits[256];
  BucketTable() {
    for (int c = 0; c < 256; c++)
      bits[c] = fwb_bucket_bit(uint8_t(c));
  }
};

const BucketTable kBuckets;

} // namespace

uint8_t bucketBit(uint8_t count) { return kBuckets.bits[count]; }

Feedback::Feedback(uint8_t *virgin, size_t counters) : virgin_(virgin), size_(counters) {}

bool Feedback::merge(const uint8_t *counters, size_t used, size_t tailStart, size_t tailEnd) {
  if (used > size_)
    used = size_;
  bool fresh = mergeRange(counters, 0, used);
  if (tailEnd > size_)
    tailEnd = size_;
  if (tailStart < tailEnd && tailStart >= used)
    fresh = mergeRange(counters, tailStart, tailEnd) || fresh;
  return fresh;
}

// Folds one counter into the map; a counter seen for the first time counts as covered.
inline bool Feedback::mergeByte(uint8_t count, size_t i) {
  const uint8_t bit = kBuckets.bits[count];
  if (!(bit & ~virgin_[i]))
    return false;
  covered_ += virgin_[i] == 0;
  virgin_[i] |= bit;
  return true;
}

// Most counters are zero after an execution: whole 8-byte words are skipped with one test, and
// only the bytes of non-zero words are bucketed.
bool Feedback::mergeRange(const uint8_t *counters, size_t begin, size_t end) {
  bool fresh = false;
  size_t i = begin;
  for (; i < end && (i & 7) != 0; i++)
    fresh = mergeByte(counters[i], i) || fresh;
  for (; i + 8 <= end; i += 8) {
    uint64_t word;
    std::memcpy(&word, counters + i, sizeof(word));
    if (word == 0)
      continue;
    for (size_t j = i; j < i + 8; j++)
      fresh = mergeByte(counters[j], j) || fresh;
  }
  for (; i < end; i++)
    fresh = mergeByte(counters[i], i) || fresh;
  return fresh;
}

namespace {

void appendFeatures(const uint8_t *counters, size_t begin, size_t end, std::vector<uint32_t> &out) {
  for (size_t i = begin; i < end; i++) {
    if ((i & 7) == 0 && i + 8 <= end) {
      uint64_t word;
      std::memcpy(&word, counters + i, sizeof(word));
      if (word == 0) {
        i += 7;
        continue;
      }
    }
    const uint8_t bit = kBuckets.bits[counters[i]];
    if (bit != 0)
      out.push_back(uint32_t(i) * 8 + uint32_t(__builtin_ctz(bit)));
  }
}

} // namespace

void Feedback::features(const uint8_t *counters, size_t used, size_t tailStart, size_t tailEnd,
                        std::vector<uint32_t> &out) {
  out.clear();
  appendFeatures(counters, 0, used, out);
  if (tailStart < tailEnd && tailStart >= used)
    appendFeatures(counters, tailStart, tailEnd, out);
}

} // namespace fuzzwb
