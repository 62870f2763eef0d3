// The one long-lived native thread per executor: it owns the fork server and runs queued jobs.
#ifndef FUZZWB_ADDON_EXECUTOR_THREAD_H
#define FUZZWB_ADDON_EXECUTOR_THREAD_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exec_loop.h"

namespace fuzzwb {

enum class JobKind { Start, Run, LeakCheck, Batch, Repeat, Mutate, Stop };

struct Finding {
  uint32_t index;
  ExecResult result;
  std::vector<uint8_t> input; // Mutate: the mutant itself (the engine never saw it)
};

struct BatchOutcome {
  uint64_t execs = 0;
  uint64_t elapsedUs = 0;
  uint32_t restarts = 0;
  uint32_t covered = 0; // counters ever hit, after the batch
  std::vector<Finding> findings;
  // Batch with watched slots: per input that ran, the watched cmp slots as it left them.
  std::vector<uint8_t> watched;
};

// A request from JS and, once the thread ran it, its answer. The addon derives from it to
// carry its promise; this side never looks at that.
struct Job {
  virtual ~Job() = default;
  JobKind kind = JobKind::Run;
  std::vector<uint8_t> data;  // the inputs, back to back
  std::vector<size_t> bounds; // input i is data[bounds[i], bounds[i + 1])
  uint32_t count = 0;         // repeat: how many times; mutate: how many mutants
  MutateRequest mutate;       // mutate: parents, tokens, limits and seed
  bool stopOnFinding = true;
  bool feedback = false;
  std::vector<uint32_t> watch; // batch: cmp slots cleared before and copied after each input

  bool failed = false;
  std::string error;
  std::string errorCode; // the rejected Error's `code`, when it is one JS tells apart
  Handshake handshake;
  ExecResult result;
  BatchOutcome batch;
};

class ExecutorThread {
public:
  // deliver is called once per posted job, from the native thread (or from post() when the
  // executor already stopped); it takes ownership of the job.
  using Deliver = std::function<void(Job *)>;

  ExecutorThread(ExecConfig config, std::shared_ptr<ShmRegion> shm,
                 std::shared_ptr<Feedback> feedback, Deliver deliver);
  ~ExecutorThread();
  ExecutorThread(const ExecutorThread &) = delete;
  ExecutorThread &operator=(const ExecutorThread &) = delete;

  // Queues a job; a Stop job also aborts the running one and fails those queued before it.
  void post(Job *job);
  // Aborts the running job, fails the queued ones, kills the target and joins the thread.
  void shutdown();

private:
  void main();
  void execute(ExecLoop &loop, Job &job);
  void runInputs(ExecLoop &loop, Job &job);
  void runMutants(ExecLoop &loop, Job &job);
  // Writes the batch's parents and tokens to the arena, with the slow-unit limit; returns the
  // parents sent.
  size_t sendMutants(const MutateRequest &req);
  // The batch's request parent `parent` becomes `input`, a shorter stand-in with no owned list.
  void adoptReduced(Job &job, uint32_t parent, const std::vector<uint8_t> &input);
  bool replayInputs(ExecLoop &loop, Job &job);
  void clearWatched(const Job &job);
  void copyWatched(Job &job);
  void fail(Job *job, const std::string &error);
  void signalCancel();

  ExecConfig config_;
  std::shared_ptr<ShmRegion> shm_;
  std::shared_ptr<Feedback> feedback_;
  Deliver deliver_;
  int cancelFd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job *> queue_;
  bool stopping_ = false; // shutdown() asked the thread to end
  bool finished_ = false; // the thread ran a Stop job or ended: no more jobs are taken
  std::thread thread_;
};

} // namespace fuzzwb

#endif
