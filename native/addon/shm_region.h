// The memfd shared with the target: creation, layout (struct fwb_shm) and per-input resets.
#ifndef FUZZWB_ADDON_SHM_REGION_H
#define FUZZWB_ADDON_SHM_REGION_H

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzzwb_shm.h"

namespace fuzzwb {

struct ModuleInfo {
  std::string path;
  uint64_t base;
  uint32_t counterStart;
  uint32_t counterCount;
  uint32_t flags;
};

// An in-target batch: the child makes `count` havoc mutants of these parents (see fwb_mutate).
struct MutateRequest {
  std::vector<std::vector<uint8_t>> parents;
  std::vector<std::vector<uint8_t>> tokens;
  uint64_t seed = 0;
  uint32_t lenLimit = 0;
  uint32_t maxLen = 0;
  // Run the parents as they are, in order, instead of mutants of them.
  bool replay = false;
  // Per parent (may be shorter): the features it alone holds, which a shorter mutant of it
  // must hold too to replace it (fwb_mutate.owned).
  std::vector<std::vector<uint32_t>> owned;
};

class ShmRegion {
public:
  // Creates, sizes and maps the memfd and fills the header; throws std::runtime_error.
  ShmRegion(uint32_t maxInputSize, uint32_t persistentMax, bool cmpEnabled);
  ~ShmRegion();
  ShmRegion(const ShmRegion &) = delete;
  ShmRegion &operator=(const ShmRegion &) = delete;

  int fd() const { return fd_; }
  fwb_shm *header() const { return header_; }
  uint8_t *counters() const { return base_ + header_->counters_offset; }
  uint32_t countersCapacity() const { return header_->counters_capacity; }
  uint8_t *pcs() const { return base_ + header_->pcs_offset; }
  size_t pcsBytes() const { return size_t(header_->counters_capacity) * sizeof(uint64_t); }
  uint8_t *cmpTable() const { return base_ + header_->cmp_offset; }
  size_t cmpBytes() const { return FWB_CMP_SLOTS * sizeof(fwb_cmp_slot); }
  uint8_t *memcmpTable() const { return base_ + header_->memcmp_offset; }
  size_t memcmpBytes() const { return FWB_MEMCMP_SLOTS * sizeof(fwb_memcmp_slot); }
  uint32_t inputCapacity() const { return header_->input_capacity; }
  uint8_t *virgin() const { return base_ + header_->virgin_offset; }
  fwb_mutate *mutate() const {
    return reinterpret_cast<fwb_mutate *>(base_ + header_->mutate_offset);
  }

  // Writes a batch's parents, tokens and limits to the arena (as many as fit); returns the
  // parents written. The batch runs only once armMutants gave it a count.
  size_t setMutants(const MutateRequest &req);
  // Whether inputs of these sizes fit the arena whole, as a replayed batch needs.
  static bool replayFits(const std::vector<size_t> &bounds, uint32_t inputCapacity);
  // The next RUN makes and runs `count` mutants (0: it runs the input, as without a batch).
  void armMutants(uint32_t count);
  // Mutants the child started so far in this batch; the last one is in the input region.
  uint32_t mutantsDone() const;
  // The batch ended at a mutant whose counters held a bucket bit the virgin map lacked.
  bool mutantFoundNew() const;
  // 1 + the request's index of the parent the batch's last mutant can replace (it is shorter
  // and holds every feature of the parent's owned list), 0 when it cannot.
  uint32_t mutantReduced() const;
  // The input region as the last run left it (in a batch: the last mutant).
  std::vector<uint8_t> input() const;

  // Guards handed out so far, clamped so a confused target cannot push reads past the map.
  uint32_t countersUsed() const;
  bool gccMode() const;

  // The child that took input seq (it publishes itself before running it), 0 while none has.
  pid_t runningPid(uint32_t seq) const;

  // The channel descriptor the target closed or replaced (the runtime gave up on it), and clears
  // the record; -1 while the channel is whole.
  int takeChannelLost();

  // Says why the child is about to get FWB_DUMP_SIGNAL (FWB_DUMP_*), for the report it prints.
  void setDumpRequest(uint32_t reason, uint32_t value, uint32_t limit);
  // Places the next input and its sequence number where the runtime reads them.
  void setInput(const uint8_t *data, uint32_t len, uint32_t seq);
  // Clears the counters the runtime may have touched: [0, counters_used) and, once gcc
  // callbacks were seen, the hashed tail.
  void zeroCounters();
  std::vector<ModuleInfo> modules() const;

private:
  int fd_ = -1;
  uint8_t *base_ = nullptr;
  size_t size_ = 0;
  fwb_shm *header_ = nullptr;
  // The request's index of each parent setMutants wrote, in arena order.
  std::vector<uint32_t> sentParents_;
};

} // namespace fuzzwb

#endif
