// Hit-count buckets and the accumulated coverage map that decide whether an input was new.
#ifndef FUZZWB_ADDON_FEEDBACK_H
#define FUZZWB_ADDON_FEEDBACK_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fuzzwb {

// AFL's buckets: hit counts 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+ each map to one bit.
uint8_t bucketBit(uint8_t count);

class Feedback {
public:
  // virgin: the map in shared memory (a persistent child reads it to judge its own mutants),
  // `counters` bytes, owned by whoever owns the mapping.
  Feedback(uint8_t *virgin, size_t counters);

  // Folds one execution's counters into the accumulated map: the ranges [0, used) and
  // [tailStart, tailEnd) are scanned. Returns true when an edge or a bucket was new.
  bool merge(const uint8_t *counters, size_t used, size_t tailStart, size_t tailEnd);

  uint8_t *coverage() { return virgin_; }
  size_t size() const { return size_; }
  // Counters ever hit: kept by merge, so nobody has to count a map of a million bytes.
  uint32_t covered() const { return covered_; }

  // One execution's features, as the scheduler weighs entries by them: counter index * 8 + the
  // hit-count bucket (0..7) of every non-zero counter in [0, used) and [tailStart, tailEnd).
  static void features(const uint8_t *counters, size_t used, size_t tailStart, size_t tailEnd,
                       std::vector<uint32_t> &out);

private:
  bool mergeRange(const uint8_t *counters, size_t begin, size_t end);
  bool mergeByte(uint8_t count, size_t i);

  uint8_t *virgin_; // OR of the bucket bits ever seen, one byte per counter
  size_t size_;
  uint32_t covered_ = 0;
};

} // namespace fuzzwb

#endif
