// The engine's handle on the target's own havoc mutator (native/runtime/mutate.c), compiled in.
#include "mutator.h"

#include <algorithm>
#include <memory>

extern "C" {
#include "../runtime/mutate.h"
}

namespace fuzzwb {
namespace {

// Mutations stacked on one mutant, as the fork-mode child stacks them (MUTATE_DEPTH there).
constexpr uint32_t kMaxDepth = 5;

fwb_bytes view(const Bytes &b) { return {b.data(), uint32_t(b.size())}; }

} // namespace

std::vector<Bytes> makeMutants(const MutantSpec &spec) {
  // The struct holds thousands of pointers: on the heap, not the stack.
  auto in = std::make_unique<fwb_mutate_in>();
  in->parents = 0;
  in->tokens = 0;
  for (const Bytes &t : spec.tokens)
    if (!t.empty() && in->tokens < FWB_MUTATE_MAX_TOKENS)
      in->token[in->tokens++] = view(t);
  in->cmps = in->memcmps = 0;
  const auto *cmp = reinterpret_cast<const fwb_cmp_slot *>(spec.cmp);
  for (size_t i = 0; cmp && i < spec.cmpBytes / sizeof(fwb_cmp_slot) && i < FWB_CMP_SLOTS; i++)
    if (cmp[i].size != 0)
      in->cmp[in->cmps++] = &cmp[i];
  const auto *mem = reinterpret_cast<const fwb_memcmp_slot *>(spec.memcmp);
  for (size_t i = 0; mem && i < spec.memcmpBytes / sizeof(fwb_memcmp_slot) && i < FWB_MEMCMP_SLOTS;
       i++)
    if (mem[i].len1 != 0 || mem[i].len2 != 0)
      in->memcmp[in->memcmps++] = &mem[i];

  const uint32_t maxLen = std::max<uint32_t>(spec.maxLen, 1);
  // A parent past maxLen is cut, as the batch's arena leaves such parents out: every mutation
  // assumes the mutant fits its cap.
  const fwb_bytes parent{spec.parent.data(), std::min(uint32_t(spec.parent.size()), maxLen)};
  const uint32_t cap =
      std::max<uint32_t>(std::min(std::max<uint32_t>(parent.len, spec.lenLimit), maxLen), 1);
  // The mutant is built in `data`; `scratch` takes a part of it or of another input.
  size_t longest = cap;
  for (const Bytes &o : spec.others)
    longest = std::max(longest, o.size());
  Bytes data(cap), scratch(longest);
  fwb_rng rng{spec.seed};
  std::vector<Bytes> out;
  out.reserve(spec.count);
  const fwb_bytes none{nullptr, 0};
  for (uint32_t i = 0; i < spec.count; i++) {
    fwb_mutant m{data.data(), scratch.data(), 0, cap};
    fwb_mutant_start(&m, &parent, &rng);
    const uint32_t pick = fwb_rng_below(&rng, uint32_t(std::max<size_t>(spec.others.size(), 1)));
    const fwb_bytes other = spec.others.empty() ? none : view(spec.others[pick]);
    const uint32_t depth = 1 + fwb_rng_below(&rng, kMaxDepth);
    for (uint32_t k = 0; k < depth; k++)
      fwb_mutate_once(&m, &other, in.get(), &rng);
    out.emplace_back(m.data, m.data + m.len);
  }
  return out;
}

} // namespace fuzzwb
