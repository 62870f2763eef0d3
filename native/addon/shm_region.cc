// The memfd shared with the target: creation, layout (struct fwb_shm) and per-input resets.
#include "shm_region.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fuzzwb {
namespace {

constexpr size_t kPage = 4096;

// Inputs one replayed batch holds at most (the runtime's FWB_MUTATE_MAX_PARENTS).
constexpr size_t kReplayMax = 4096;

size_t pageAlign(size_t n) { return (n + kPage - 1) & ~(kPage - 1); }

[[noreturn]] void fail(const char *what) {
  throw std::runtime_error(std::string("cannot set up shared memory: ") + what + ": " +
                           std::strerror(errno));
}

} // namespace

ShmRegion::ShmRegion(uint32_t maxInputSize, uint32_t persistentMax, bool cmpEnabled) {
  const uint32_t counters = FWB_DEFAULT_COUNTERS + FWB_GCC_SLOTS;
  // Every region starts on a page so the runtime's and our accesses never share a line
  // with the header fields that both sides write.
  size_t off = pageAlign(sizeof(fwb_shm));
  const size_t inputOff = off;
  off = pageAlign(off + maxInputSize);
  const size_t countersOff = off;
  off = pageAlign(off + counters);
  const size_t pcsOff = off;
  off = pageAlign(off + size_t(counters) * sizeof(uint64_t));
  const size_t modulesOff = off;
  off = pageAlign(off + FWB_MAX_MODULES * sizeof(fwb_module));
  const size_t cmpOff = off;
  off = pageAlign(off + FWB_CMP_SLOTS * sizeof(fwb_cmp_slot));
  const size_t memcmpOff = off;
  off = pageAlign(off + FWB_MEMCMP_SLOTS * sizeof(fwb_memcmp_slot));
  const size_t virginOff = off;
  off = pageAlign(off + counters);
  const size_t mutateOff = off;
  off = pageAlign(off + sizeof(fwb_mutate) + FWB_MUTATE_ARENA);
  size_ = off;

  fd_ = memfd_create("fuzzwb-shm", MFD_CLOEXEC);
  if (fd_ < 0)
    fail("memfd_create");
  if (ftruncate(fd_, off_t(size_)) != 0) {
    close(fd_);
    fail("ftruncate");
  }
  void *map = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) {
    close(fd_);
    fail("mmap");
  }
  base_ = static_cast<uint8_t *>(map);
  header_ = static_cast<fwb_shm *>(map);
  // A fresh memfd reads as zeros, so only the non-zero fields need writing.
  header_->magic = FWB_SHM_MAGIC;
  header_->version = FWB_PROTOCOL_VERSION;
  header_->header_size = sizeof(fwb_shm);
  header_->total_size = size_;
  header_->input_offset = inputOff;
  header_->input_capacity = maxInputSize;
  header_->counters_offset = countersOff;
  header_->counters_capacity = counters;
  header_->pcs_offset = pcsOff;
  header_->modules_offset = modulesOff;
  header_->modules_capacity = FWB_MAX_MODULES;
  header_->cmp_offset = cmpOff;
  header_->memcmp_offset = memcmpOff;
  header_->cmp_enabled = cmpEnabled ? 1 : 0;
  header_->persistent_max = persistentMax;
  header_->virgin_offset = virginOff;
  header_->mutate_offset = mutateOff;
  header_->mutate_capacity = FWB_MUTATE_ARENA;
}

ShmRegion::~ShmRegion() {
  munmap(base_, size_);
  close(fd_);
}

uint32_t ShmRegion::countersUsed() const {
  const uint32_t used = __atomic_load_n(&header_->counters_used, __ATOMIC_RELAXED);
  const uint32_t limit = header_->counters_capacity - FWB_GCC_SLOTS;
  return used < limit ? used : limit;
}

bool ShmRegion::gccMode() const { return __atomic_load_n(&header_->gcc_mode, __ATOMIC_RELAXED); }

pid_t ShmRegion::runningPid(uint32_t seq) const {
  // running_pid is stored before running_seq, so a matching seq carries that child's pid.
  if (__atomic_load_n(&header_->running_seq, __ATOMIC_ACQUIRE) != seq)
    return 0;
  return __atomic_load_n(&header_->running_pid, __ATOMIC_RELAXED);
}

int ShmRegion::takeChannelLost() {
  const uint32_t lost = __atomic_exchange_n(&header_->channel_lost, 0u, __ATOMIC_ACQ_REL);
  return lost == 0 ? -1 : int(lost - 1);
}

void ShmRegion::setDumpRequest(uint32_t reason, uint32_t value, uint32_t limit) {
  // The child reads dump_reason first (acquire), so the numbers it prints are these.
  __atomic_store_n(&header_->dump_value, value, __ATOMIC_RELAXED);
  __atomic_store_n(&header_->dump_limit, limit, __ATOMIC_RELAXED);
  __atomic_store_n(&header_->dump_reason, reason, __ATOMIC_RELEASE);
}

void ShmRegion::setInput(const uint8_t *data, uint32_t len, uint32_t seq) {
  if (len > 0)
    std::memcpy(base_ + header_->input_offset, data, len);
  header_->input_len = len;
  header_->exec_seq = seq;
}

size_t ShmRegion::setMutants(const MutateRequest &req) {
  fwb_mutate *m = mutate();
  uint8_t *arena = reinterpret_cast<uint8_t *>(m + 1);
  const uint32_t maxLen = std::min(req.maxLen, header_->input_capacity);
  size_t at = 0;
  const auto put = [&](const std::vector<uint8_t> &b) {
    if (at + 4 + b.size() > FWB_MUTATE_ARENA)
      return false;
    const uint32_t len = uint32_t(b.size());
    std::memcpy(arena + at, &len, 4);
    if (len > 0)
      std::memcpy(arena + at + 4, b.data(), len);
    at += 4 + len;
    return true;
  };
  uint32_t parents = 0, tokens = 0;
  sentParents_.clear();
  for (size_t i = 0; i < req.parents.size(); i++) {
    const auto &p = req.parents[i];
    // The runtime would skip it too; the engine cuts inputs to -max_len first. A replayed batch
    // is checked whole beforehand (replayFits).
    if (p.size() > maxLen && !req.replay)
      continue;
    if (!put(p))
      break;
    sentParents_.push_back(uint32_t(i));
    parents++;
  }
  for (const auto &t : req.tokens) {
    if (!put(t))
      break;
    tokens++;
  }
  // The owned lists come last: a batch whose lists do not all fit still runs, with fewer.
  static const std::vector<uint32_t> kNone;
  uint32_t owned = 0;
  const bool allTokens = tokens == req.tokens.size();
  for (uint32_t i = 0; allTokens && i < sentParents_.size(); i++) {
    const uint32_t at_request = sentParents_[i];
    const auto &list = at_request < req.owned.size() ? req.owned[at_request] : kNone;
    const size_t bytes = 4 + 4 * list.size();
    if (at + bytes > FWB_MUTATE_ARENA)
      break;
    const uint32_t n = uint32_t(list.size());
    std::memcpy(arena + at, &n, 4);
    if (n > 0)
      std::memcpy(arena + at + 4, list.data(), 4 * list.size());
    at += bytes;
    owned++;
  }
  m->seed = req.seed;
  m->len_limit = req.lenLimit;
  m->max_len = maxLen;
  m->parents = parents;
  m->tokens = tokens;
  m->arena_len = uint32_t(at);
  m->done = 0;
  m->found_new = 0;
  m->flags = req.replay ? FWB_MUTATE_REPLAY : 0;
  m->first = 0;
  m->owned = req.replay ? 0 : owned;
  m->reduced = 0;
  return parents;
}

bool ShmRegion::replayFits(const std::vector<size_t> &bounds, uint32_t inputCapacity) {
  if (bounds.size() < 2)
    return false;
  const size_t n = bounds.size() - 1;
  if (n > kReplayMax || bounds.back() + 4 * n > FWB_MUTATE_ARENA)
    return false;
  for (size_t i = 0; i < n; i++)
    if (bounds[i + 1] - bounds[i] > inputCapacity)
      return false;
  return true;
}

void ShmRegion::armMutants(uint32_t count) {
  mutate()->done = 0;
  mutate()->found_new = 0;
  mutate()->reduced = 0;
  __atomic_store_n(&mutate()->count, count, __ATOMIC_RELEASE);
}

uint32_t ShmRegion::mutantsDone() const {
  return __atomic_load_n(&mutate()->done, __ATOMIC_RELAXED);
}

bool ShmRegion::mutantFoundNew() const {
  return __atomic_load_n(&mutate()->found_new, __ATOMIC_ACQUIRE) != 0;
}

uint32_t ShmRegion::mutantReduced() const {
  const uint32_t r = __atomic_load_n(&mutate()->reduced, __ATOMIC_ACQUIRE);
  // The child writes it: an index past what was sent names no parent.
  return r > 0 && r <= sentParents_.size() ? sentParents_[r - 1] + 1 : 0;
}

std::vector<uint8_t> ShmRegion::input() const {
  const uint32_t len = std::min(header_->input_len, header_->input_capacity);
  const uint8_t *p = base_ + header_->input_offset;
  return std::vector<uint8_t>(p, p + len);
}

void ShmRegion::zeroCounters() {
  std::memset(counters(), 0, countersUsed());
  if (gccMode())
    std::memset(counters() + countersCapacity() - FWB_GCC_SLOTS, 0, FWB_GCC_SLOTS);
}

std::vector<ModuleInfo> ShmRegion::modules() const {
  const auto *table = reinterpret_cast<const fwb_module *>(base_ + header_->modules_offset);
  uint32_t count = __atomic_load_n(&header_->modules_count, __ATOMIC_ACQUIRE);
  if (count > FWB_MAX_MODULES)
    count = FWB_MAX_MODULES;
  std::vector<ModuleInfo> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; i++) {
    const fwb_module &m = table[i];
    out.push_back({std::string(m.path, strnlen(m.path, sizeof(m.path))), m.base, m.counter_start,
                   m.counter_count, m.flags});
  }
  return out;
}

} // namespace fuzzwb
