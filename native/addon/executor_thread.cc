// The one long-lived native thread per executor: it owns the fork server and runs queued jobs.
#include "executor_thread.h"

#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fuzzwb {
namespace {

uint64_t nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000u + uint64_t(ts.tv_nsec) / 1000u;
}

} // namespace

ExecutorThread::ExecutorThread(ExecConfig config, std::shared_ptr<ShmRegion> shm,
                               std::shared_ptr<Feedback> feedback, Deliver deliver)
    : config_(std::move(config)), shm_(std::move(shm)), feedback_(std::move(feedback)),
      deliver_(std::move(deliver)), cancelFd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (cancelFd_ < 0)
    throw std::runtime_error(std::string("cannot create an eventfd: ") + std::strerror(errno));
}

ExecutorThread::~ExecutorThread() {
  shutdown();
  close(cancelFd_);
}

void ExecutorThread::post(Job *job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished_ && !stopping_) {
      try {
        // The thread starts with the first job, so an executor that is never started costs none.
        if (!thread_.joinable())
          thread_ = std::thread(&ExecutorThread::main, this);
        queue_.push_back(job);
        cv_.notify_one();
        // stop() must not wait behind a long input: abort it, and whatever is queued before.
        if (job->kind == JobKind::Stop)
          signalCancel();
        return;
      } catch (const std::exception &e) {
        job->failed = true;
        job->error = std::string("cannot start the executor thread: ") + e.what();
      }
    }
  }
  if (!job->failed)
    fail(job, "the executor is stopped");
  else
    deliver_(job);
}

void ExecutorThread::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  signalCancel();
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

// The eventfd stays readable from now on, so every later wait in the loop aborts at once.
void ExecutorThread::signalCancel() {
  const uint64_t one = 1;
  while (write(cancelFd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void ExecutorThread::fail(Job *job, const std::string &error) {
  job->failed = true;
  job->error = error;
  deliver_(job);
}

void ExecutorThread::main() {
  // Signals belong to Node's main thread; the target gets a clean mask from posix_spawn.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  // The target inherits this thread's affinity through posix_spawn, and its children through
  // fork: every hand-over of an input then stays on one core (see src/engine/exec/cpuBinding.ts).
  // A core that cannot be had (hotplugged away, outside a cpuset) just leaves things unbound.
  if (config_.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(config_.cpu, &set);
    sched_setaffinity(0, sizeof(set), &set);
  }
  ExecLoop loop(config_, shm_, feedback_, cancelFd_);
  for (;;) {
    Job *job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        break;
      job = queue_.front();
      queue_.pop_front();
    }
    execute(loop, *job);
    const bool last = job->kind == JobKind::Stop;
    if (last) {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
    }
    deliver_(job);
    if (last)
      break;
  }
  loop.shutdown();
  std::deque<Job *> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    rest.swap(queue_);
  }
  for (Job *job : rest)
    fail(job, "the executor was stopped");
}

void ExecutorThread::execute(ExecLoop &loop, Job &job) {
  try {
    switch (job.kind) {
    case JobKind::Start:
      job.handshake = loop.start();
      break;
    case JobKind::Run:
      loop.run(job.data.data(), job.data.size(), true, job.result);
      loop.copyOutput(job.result);
      break;
    case JobKind::LeakCheck:
      loop.checkLeaks(job.data.data(), job.data.size(), job.result);
      loop.copyOutput(job.result);
      break;
    case JobKind::Batch:
    case JobKind::Repeat:
      runInputs(loop, job);
      break;
    case JobKind::Mutate:
      runMutants(loop, job);
      break;
    case JobKind::Stop:
      loop.shutdown();
      break;
    }
  } catch (const Cancelled &) {
    job.failed = true;
    job.error = "the executor was stopped";
  } catch (const TargetFault &e) {
    job.failed = true;
    job.error = e.what();
    job.errorCode = kTargetFaultCode;
  } catch (const std::exception &e) {
    job.failed = true;
    job.error = e.what();
  }
}

// A persistent child runs a batch of given inputs itself when they fit the mutants' arena: no
// hand-over per input. It stops at the first input that ends non-ok, reaches new coverage, may
// have leaked or was slow, and the batch goes on from the next one.
bool ExecutorThread::replayInputs(ExecLoop &loop, Job &job) {
  const size_t n = job.bounds.size() - 1;
  if (config_.persistent <= 1 || !job.feedback || n < 2 ||
      !ShmRegion::replayFits(job.bounds, shm_->inputCapacity()))
    return false;
  MutateRequest req;
  req.replay = true;
  req.maxLen = shm_->inputCapacity();
  req.parents.reserve(n);
  for (size_t i = 0; i < n; i++)
    req.parents.emplace_back(job.data.begin() + long(job.bounds[i]),
                             job.data.begin() + long(job.bounds[i + 1]));
  if (sendMutants(req) != n)
    return false;
  BatchOutcome &out = job.batch;
  const uint32_t restarts = loop.restarts();
  const uint64_t t0 = nowUs();
  ExecResult res;
  size_t next = 0;
  while (next < n) {
    shm_->mutate()->first = uint32_t(next);
    const uint32_t ran = loop.runMutants(uint32_t(n - next), res);
    const bool finding = res.kind != EndKind::Ok;
    const uint32_t counted = ran > 0 ? ran : (finding ? 1 : 0);
    if (counted == 0)
      break;
    out.execs += counted;
    next += counted;
    if (finding || res.newCoverage || res.leaky || res.slow) {
      out.findings.push_back({uint32_t(next - 1), res, {}});
      loop.copyOutput(out.findings.back().result);
      if (finding && job.stopOnFinding)
        break;
    }
  }
  out.elapsedUs = nowUs() - t0;
  out.restarts = loop.restarts() - restarts;
  out.covered = feedback_->covered();
  return true;
}

// Watched slots are cleared before each input, so what they hold after it is its own compare
// (or nothing: it was not reached, or its operands were equal).
void ExecutorThread::clearWatched(const Job &job) {
  auto *slots = reinterpret_cast<fwb_cmp_slot *>(shm_->cmpTable());
  for (uint32_t w : job.watch)
    std::memset(&slots[w], 0, sizeof(fwb_cmp_slot));
}

void ExecutorThread::copyWatched(Job &job) {
  const auto *slots = reinterpret_cast<const fwb_cmp_slot *>(shm_->cmpTable());
  for (uint32_t w : job.watch) {
    const auto *from = reinterpret_cast<const uint8_t *>(&slots[w]);
    job.batch.watched.insert(job.batch.watched.end(), from, from + sizeof(fwb_cmp_slot));
  }
}

void ExecutorThread::runInputs(ExecLoop &loop, Job &job) {
  // A replaying child runs the inputs back to back: no moment between them to read the slots.
  if (job.kind == JobKind::Batch && job.watch.empty() && replayInputs(loop, job))
    return;
  BatchOutcome &out = job.batch;
  const uint32_t restarts = loop.restarts();
  const uint64_t t0 = nowUs();
  const bool batch = job.kind == JobKind::Batch;
  const size_t n = batch ? job.bounds.size() - 1 : job.count;
  ExecResult res;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *data = job.data.data();
    size_t len = job.data.size();
    if (batch) {
      data += job.bounds[i];
      len = job.bounds[i + 1] - job.bounds[i];
    }
    clearWatched(job);
    loop.run(data, len, job.feedback, res);
    copyWatched(job);
    out.execs++;
    const bool finding = res.kind != EndKind::Ok;
    if (finding || (job.feedback && res.newCoverage) || (batch && (res.leaky || res.slow))) {
      out.findings.push_back({uint32_t(i), res, {}});
      loop.copyOutput(out.findings.back().result);
    }
    if (finding && job.stopOnFinding)
      break;
  }
  out.elapsedUs = nowUs() - t0;
  out.restarts = loop.restarts() - restarts;
  out.covered = feedback_->covered();
}

size_t ExecutorThread::sendMutants(const MutateRequest &req) {
  const size_t sent = shm_->setMutants(req);
  shm_->mutate()->slow_ms = config_.slowUnitMs;
  return sent;
}

// `parent` is a request index: mutantReduced() maps the child's answer through the parents sent.
void ExecutorThread::adoptReduced(Job &job, uint32_t parent, const std::vector<uint8_t> &input) {
  MutateRequest &req = job.mutate;
  req.parents[parent] = input;
  if (parent < req.owned.size())
    req.owned[parent].clear();
  sendMutants(req);
}

// Runs job.count mutants made in the target, across as many children as the -persistent limit
// takes, and ends at the first one that ends non-ok, reaches new coverage, may have leaked or was
// slow; each that can replace its parent is reported on the way.
void ExecutorThread::runMutants(ExecLoop &loop, Job &job) {
  BatchOutcome &out = job.batch;
  const uint32_t restarts = loop.restarts();
  const uint64_t t0 = nowUs();
  sendMutants(job.mutate);
  ExecResult res;
  uint64_t left = job.count;
  while (left > 0) {
    // A child that took over after its predecessor's limit must not replay its mutants.
    shm_->mutate()->seed = job.mutate.seed + out.execs * 0x9E3779B97F4A7C15ull;
    const uint32_t ran = loop.runMutants(uint32_t(std::min<uint64_t>(left, UINT32_MAX)), res);
    const bool finding = res.kind != EndKind::Ok;
    // A server that died before any mutant started still counts one execution, as a batch does.
    const uint32_t counted = ran > 0 ? ran : (finding ? 1 : 0);
    out.execs += counted;
    left -= std::min<uint64_t>(left, counted);
    const bool ends = finding || res.newCoverage || res.leaky || res.slow;
    if (ends || res.reduced) {
      out.findings.push_back({uint32_t(out.execs - 1), res, shm_->input()});
      loop.copyOutput(out.findings.back().result);
      if (ends)
        break;
      // A shorter stand-in for a parent changes nothing the batch explores, so the batch goes
      // on (on real libraries most batches ended at one) and mutates the stand-in from here,
      // as the engine will. With no owned list it is not replaced again before the engine has
      // taken it in. Reductions are rare enough that rewriting the arena costs nothing.
      adoptReduced(job, res.reduced - 1, out.findings.back().input);
    }
    if (counted == 0)
      break;
  }
  out.elapsedUs = nowUs() - t0;
  out.restarts = loop.restarts() - restarts;
  out.covered = feedback_->covered();
}

} // namespace fuzzwb
