// The process groups of the live targets, killed whole when the engine exits.
#include "target_groups.h"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace fuzzwb {
namespace {

// Fixed slots and atomics, so the exit handler takes no lock a thread may hold as exit() runs.
// A group that finds no slot is still killed by its fork server, which kills its own group
// when the engine's end of the control pipe closes.
constexpr int kSlots = 256;
std::atomic<pid_t> groups[kSlots];

void killAll() {
  for (std::atomic<pid_t> &slot : groups) {
    const pid_t pgid = slot.exchange(0);
    if (pgid > 0)
      kill(-pgid, SIGKILL);
  }
}

} // namespace

void addTargetGroup(pid_t pgid) {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(killAll); });
  for (std::atomic<pid_t> &slot : groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pgid))
      return;
  }
}

void removeTargetGroup(pid_t pgid) {
  for (std::atomic<pid_t> &slot : groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0))
      return;
  }
}

void killTargetGroup(pid_t pgid) {
  if (pgid > 0)
    kill(-pgid, SIGKILL);
}

} // namespace fuzzwb
