// The engine's handle on the target's own havoc mutator (native/runtime/mutate.c), compiled in.
#ifndef FUZZWB_ADDON_MUTATOR_H
#define FUZZWB_ADDON_MUTATOR_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fuzzwb {

using Bytes = std::vector<uint8_t>;

// What one call makes: `count` mutants of `parent`, each 1 to 5 havoc mutations deep (as deep
// as libFuzzer's stepping goes), crossed over with one of `others` where a mutation takes a
// second input, with the tokens and, when given, the operands of recent compares in `cmp`
// (struct fwb_cmp_slot[]) and `memcmp` (struct fwb_memcmp_slot[]).
struct MutantSpec {
  Bytes parent;
  std::vector<Bytes> others;
  std::vector<Bytes> tokens;
  const uint8_t *cmp = nullptr;
  size_t cmpBytes = 0;
  const uint8_t *memcmp = nullptr;
  size_t memcmpBytes = 0;
  uint32_t count = 0;
  uint64_t seed = 0;
  // A mutant may grow to max(parent length, lenLimit), never past maxLen.
  uint32_t lenLimit = 0;
  uint32_t maxLen = 1;
};

// The same mutations the persistent child makes in its own batches, for the stages that must see
// a mutant before it runs (a checksum fixed up, a probe's compares): one havoc mutator for all.
std::vector<Bytes> makeMutants(const MutantSpec &spec);

} // namespace fuzzwb

#endif
