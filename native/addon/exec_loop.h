// The engine side of the fork-server protocol: handshake, then one input at a time.
#ifndef FUZZWB_ADDON_EXEC_LOOP_H
#define FUZZWB_ADDON_EXEC_LOOP_H

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "end_kind.h"
#include "feedback.h"
#include "output_capture.h"
#include "shm_region.h"
#include "target_process.h"

namespace fuzzwb {

struct ExecConfig {
  LaunchSpec launch;
  uint32_t timeoutMs = 1000; // 0 = no limit
  uint32_t rssLimitMb = 0;
  uint32_t persistent = 1;
  uint32_t outputLimit = 64 * 1024;
  uint32_t handshakeTimeoutMs = 10000;
  // An ok input that runs at least this long is `slow` (libFuzzer's -report_slow_units); 0 = off.
  uint32_t slowUnitMs = 0;
  // Core the executor thread, and so the target it spawns, is bound to; -1 = not bound.
  int cpu = -1;
};

struct Handshake {
  pid_t serverPid = 0;
  uint32_t protocolVersion = 0;
  uint32_t runtimeFlags = 0;
  uint32_t countersUsed = 0;
  std::vector<ModuleInfo> modules;
};

struct ExecResult {
  EndKind kind = EndKind::Ok;
  int signal = 0;
  int exitCode = -1;
  std::vector<uint8_t> output;
  bool outputTruncated = false;
  uint64_t durationUs = 0;
  int32_t ret = 0;
  bool newCoverage = false;
  pid_t pid = 0;
  // With newCoverage: the run's features (Feedback::features), so the engine knows what the new
  // input holds without running it again.
  std::vector<uint32_t> features;
  // How long the input itself ran: measured in the child for mutants and replayed inputs (a
  // batch's wall time says nothing about one of them), else durationUs.
  uint64_t execUs = 0;
  // Ok only, with FWB_LEAK_WATCH: the input made more allocations than it freed.
  bool leaky = false;
  // Ok only: it ran for at least ExecConfig::slowUnitMs.
  bool slow = false;
  // A mutant only: 1 + the index of the parent it can replace (ShmRegion::mutantReduced), with
  // its features as for new coverage; 0 otherwise.
  uint32_t reduced = 0;
};

// Thrown out of a wait when cancel() was signalled: the executor is shutting down.
struct Cancelled {};

// The target made running inputs impossible (it closed the fuzzer's channel): not an end of the
// input, and no engine bug either. The job fails with kTargetFaultCode as its error's code.
struct TargetFault : std::runtime_error {
  using std::runtime_error::runtime_error;
};
inline constexpr const char *kTargetFaultCode = "FUZZWB_TARGET_FAULT";

class ExecLoop {
public:
  // cancelFd: an eventfd that, once readable, aborts any wait with Cancelled.
  ExecLoop(ExecConfig config, std::shared_ptr<ShmRegion> shm, std::shared_ptr<Feedback> feedback,
           int cancelFd);
  ~ExecLoop();

  // Starts the fork server and waits for HELLO; throws std::runtime_error with one line.
  Handshake start();
  // Runs one input, restarting a dead fork server first. The result's output is left empty:
  // copyOutput() fills it for the results worth keeping, so an ok input costs no copy.
  void run(const uint8_t *data, size_t len, bool feedback, ExecResult &out);
  // Persistent mode: the child makes and runs up to `count` mutants of the batch set with
  // ShmRegion::setMutants, and stops at the first that ends non-ok or reaches new coverage (out
  // describes that one; its input is ShmRegion::input()). Returns the mutants run, which a
  // child that reached its -persistent limit leaves short of count.
  uint32_t runMutants(uint32_t count, ExecResult &out);
  // Runs one input in a fresh child that runs LeakSanitizer's check after it (FWB_LEAK_CHECK),
  // with no feedback: a leak ends it as a sanitizer report.
  void checkLeaks(const uint8_t *data, size_t len, ExecResult &out);
  // Fills out.output (and outputTruncated) with the last input's captured output.
  void copyOutput(ExecResult &out);
  // Kills the child and the fork server.
  void shutdown();

  uint32_t restarts() const { return restarts_; }

private:
  void execute(const uint8_t *data, size_t len, bool feedback, uint32_t mutants, ExecResult &out);
  void spawnAndHandshake();
  void retireChild();
  void ensureServer();
  bool sendRun(uint32_t seq);
  void serverDied();
  void killServer();

  ExecConfig config_;
  std::shared_ptr<ShmRegion> shm_;
  std::shared_ptr<Feedback> feedback_;
  int cancelFd_;
  OutputCapture output_;
  std::unique_ptr<TargetProcess> server_;
  uint32_t seq_ = 0;
  uint32_t restarts_ = 0;
  bool started_ = false;
  // Persistent mode: the child that reads the next RUN itself, and the inputs it has run.
  pid_t liveChild_ = 0;
  uint32_t inputsInChild_ = 0;
  std::vector<fwb_msg> msgs_; // reused so an execution allocates nothing
};

} // namespace fuzzwb

#endif
