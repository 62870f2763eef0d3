// The engine side of the fork-server protocol: handshake, then one input at a time.
#include "exec_loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fuzzwb {
namespace {

constexpr uint64_t kRssFirstCheckUs = 10000; // inputs shorter than this are never sampled
constexpr uint64_t kRssIntervalUs = 15000;
constexpr uint64_t kKillGraceUs = 2000000;    // how long a SIGKILLed child may take to be reported
constexpr uint64_t kReportGraceUs = 10000000; // how long a started sanitizer report may take
constexpr int kShutdownGraceMs = 200;
constexpr size_t kErrorLines = 3;
// A child past its limits is asked for its stack (FWB_DUMP_SIGNAL) and SIGKILLed after the first
// grace, or after the second once its report began (a sanitizer may be symbolizing it).
constexpr uint64_t kDumpGraceUs = 500000;
constexpr uint64_t kDumpReportUs = 3000000;
// A leak check scans the whole heap after the input, which ran within its limit once already:
// the scan gets this much on top, so a large heap is not taken for a hang.
constexpr uint32_t kLeakCheckGraceMs = 10000;

uint64_t nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000u + uint64_t(ts.tv_nsec) / 1000u;
}

// Poll timeout in ms rounded up, so a wait never spins on a sub-millisecond remainder.
int pollMs(uint64_t now, uint64_t until) {
  if (until <= now)
    return 0;
  return int(std::min<uint64_t>((until - now + 999) / 1000, 1000000));
}

enum class Drain { Messages, Empty, Closed };

// Reads every whole message available. Writes of 16 bytes to a pipe are atomic, so the pipe only
// ever holds whole messages.
Drain readMessages(int fd, std::vector<fwb_msg> &out) {
  out.clear();
  fwb_msg buf[64];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      out.insert(out.end(), buf, buf + size_t(n) / sizeof(fwb_msg));
      // A short read emptied the pipe: asking again would only cost a syscall for EAGAIN.
      if (size_t(n) < sizeof(buf))
        return Drain::Messages;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0 && out.empty())
      return Drain::Closed;
    return out.empty() ? Drain::Empty : Drain::Messages;
  }
}

// A harness that closes every descriptor it has takes the runtime's pipes too (the runtime
// keeps them above those a loop up to FD_SETSIZE closes): no input can be run any more, and
// the end is neither the input's timeout nor a finding.
std::string channelLostMessage(int fd) {
  return "the target closed the fuzzer's channel (fd " + std::to_string(fd) + ")";
}

} // namespace

ExecLoop::ExecLoop(ExecConfig config, std::shared_ptr<ShmRegion> shm,
                   std::shared_ptr<Feedback> feedback, int cancelFd)
    : config_(std::move(config)), shm_(std::move(shm)), feedback_(std::move(feedback)),
      cancelFd_(cancelFd), output_(config_.outputLimit) {}

ExecLoop::~ExecLoop() { shutdown(); }

Handshake ExecLoop::start() {
  if (started_)
    throw std::runtime_error("the executor was already started");
  spawnAndHandshake();
  started_ = true;
  Handshake hs;
  const fwb_shm *h = shm_->header();
  hs.serverPid = server_->pid();
  hs.protocolVersion = h->version;
  hs.runtimeFlags = h->runtime_flags;
  hs.countersUsed = shm_->countersUsed();
  hs.modules = shm_->modules();
  return hs;
}

void ExecLoop::spawnAndHandshake() {
  server_.reset();
  liveChild_ = 0;
  inputsInChild_ = 0;
  output_.clear();
  server_ = std::make_unique<TargetProcess>(config_.launch, shm_->fd());
  const std::string &target = config_.launch.target;
  const uint64_t deadline = nowUs() + uint64_t(config_.handshakeTimeoutMs) * 1000u;
  bool statusOpen = true;
  bool outputOpen = true;
  std::vector<fwb_msg> msgs;
  for (;;) {
    const uint64_t now = nowUs();
    if (now >= deadline) {
      killServer();
      throw std::runtime_error(target + " did not start the fork server within " +
                               std::to_string(config_.handshakeTimeoutMs) +
                               " ms: was it linked with the fuzzwb runtime (fuzzwb-cc)?");
    }
    pollfd fds[4] = {{statusOpen ? server_->statusFd() : -1, POLLIN, 0},
                     {outputOpen ? server_->outputFd() : -1, POLLIN, 0},
                     {server_->pidFd(), POLLIN, 0},
                     {cancelFd_, POLLIN, 0}};
    if (poll(fds, 4, pollMs(now, deadline)) < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    if (fds[3].revents) {
      killServer();
      throw Cancelled();
    }
    if (fds[1].revents)
      outputOpen = output_.drain(server_->outputFd());
    if (fds[0].revents) {
      const Drain d = readMessages(server_->statusFd(), msgs);
      statusOpen = d != Drain::Closed;
      for (const fwb_msg &m : msgs) {
        if (m.kind != FWB_MSG_HELLO)
          continue;
        if (uint32_t(m.value) != FWB_PROTOCOL_VERSION) {
          killServer();
          throw std::runtime_error(target + " speaks fork-server protocol version " +
                                   std::to_string(m.value) + " but the engine speaks version " +
                                   std::to_string(FWB_PROTOCOL_VERSION) +
                                   ": rebuild it with this fuzzwb-cc");
        }
        return;
      }
    }
    if (fds[2].revents) {
      output_.drain(server_->outputFd());
      server_->shutdown(0);
      const std::string tail = output_.lastLines(kErrorLines);
      const std::string status = describeWaitStatus(server_->waitStatus());
      server_.reset();
      const int lost = shm_->takeChannelLost();
      if (lost >= 0)
        throw TargetFault(channelLostMessage(lost) + " before the fork server started");
      throw std::runtime_error(target + " exited before the fork server started (" + status +
                               (tail.empty() ? "), with no output" : "): " + tail));
    }
  }
}

void ExecLoop::ensureServer() {
  if (server_)
    return;
  if (!started_)
    throw std::runtime_error("the executor is not started: call start() first");
  try {
    spawnAndHandshake();
  } catch (const TargetFault &) {
    throw;
  } catch (const std::runtime_error &e) {
    throw std::runtime_error(std::string("could not restart the fork server: ") + e.what());
  }
  restarts_++;
}

bool ExecLoop::sendRun(uint32_t seq) {
  const fwb_msg msg{FWB_CMD_RUN, 0, 1, seq};
  for (;;) {
    const ssize_t n = write(server_->controlFd(), &msg, sizeof(msg));
    if (n == ssize_t(sizeof(msg)))
      return true;
    if (n < 0 && errno == EINTR)
      continue;
    return false;
  }
}

void ExecLoop::killServer() {
  if (liveChild_ > 0)
    kill(liveChild_, SIGKILL);
  liveChild_ = 0;
  inputsInChild_ = 0;
  server_.reset();
}

void ExecLoop::run(const uint8_t *data, size_t len, bool feedback, ExecResult &out) {
  execute(data, len, feedback, 0, out);
}

// A persistent child between inputs is blocked reading the control pipe: killed there, it takes
// no command with it, and the server forks a new child for the next RUN. Its EXIT is awaited so
// that the next input starts with a quiet status pipe.
void ExecLoop::retireChild() {
  if (!server_ || liveChild_ <= 0)
    return;
  const pid_t old = liveChild_;
  liveChild_ = 0;
  inputsInChild_ = 0;
  kill(old, SIGKILL);
  const uint64_t deadline = nowUs() + kKillGraceUs;
  std::vector<fwb_msg> &msgs = msgs_;
  for (;;) {
    const uint64_t now = nowUs();
    if (now >= deadline) {
      killServer();
      return;
    }
    pollfd fds[3] = {
        {server_->statusFd(), POLLIN, 0}, {server_->pidFd(), POLLIN, 0}, {cancelFd_, POLLIN, 0}};
    if (poll(fds, 3, pollMs(now, deadline)) < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    if (fds[2].revents)
      throw Cancelled();
    if (fds[0].revents) {
      if (readMessages(server_->statusFd(), msgs) == Drain::Closed) {
        killServer();
        return;
      }
      for (const fwb_msg &m : msgs)
        if (m.kind == FWB_MSG_EXIT && m.pid == old)
          return;
    }
    if (fds[1].revents) {
      killServer();
      return;
    }
  }
}

void ExecLoop::checkLeaks(const uint8_t *data, size_t len, ExecResult &out) {
  retireChild();
  fwb_shm *h = shm_->header();
  const uint32_t timeoutMs = config_.timeoutMs;
  const auto restore = [&] {
    h->leak_mode &= ~FWB_LEAK_CHECK;
    config_.timeoutMs = timeoutMs;
  };
  h->leak_mode |= FWB_LEAK_CHECK;
  config_.timeoutMs = timeoutMs + kLeakCheckGraceMs;
  try {
    execute(data, len, false, 0, out);
  } catch (...) {
    restore();
    throw;
  }
  restore();
}

uint32_t ExecLoop::runMutants(uint32_t count, ExecResult &out) {
  if (count == 0)
    return 0;
  shm_->armMutants(count);
  try {
    execute(nullptr, 0, true, count, out);
  } catch (...) {
    shm_->armMutants(0);
    throw;
  }
  const uint32_t ran = shm_->mutantsDone();
  shm_->armMutants(0);
  return ran;
}

void ExecLoop::execute(const uint8_t *data, size_t len, bool feedback, uint32_t mutants,
                       ExecResult &out) {
  if (len > shm_->inputCapacity())
    throw std::runtime_error("an input of " + std::to_string(len) +
                             " bytes exceeds maxInputSize (" +
                             std::to_string(shm_->inputCapacity()) + ")");
  ensureServer();
  uint32_t seq = ++seq_;
  if (seq == 0)
    seq = seq_ = 1; // 0 is done_seq's "nothing ran yet"
  shm_->setInput(data, uint32_t(len), seq);
  shm_->zeroCounters();
  // Whatever earlier children printed while tearing down is not this input's output.
  bool outputOpen = output_.drain(server_->outputFd());
  output_.clear();

  if (liveChild_ == 0)
    inputsInChild_ = 0;
  uint64_t t0 = nowUs();
  if (!sendRun(seq)) {
    // The server went away between inputs: its pipe has no reader. Start a new one once.
    killServer();
    ensureServer();
    t0 = nowUs();
    if (!sendRun(seq))
      throw std::runtime_error("the fork server does not accept commands after a restart");
  }

  // Timeout or Rss once the child was asked for its stack; sigkilled once that grace ran out.
  enum class Kill { None, Timeout, Rss } killed = Kill::None;
  bool sigkilled = false;
  uint64_t dumpAt = 0;
  // The child that took the input, read from shared memory when first needed: in fork mode a
  // spare forked ahead of time takes it, and no message says which one did.
  pid_t child = 0;
  bool done = false, ended = false, died = false;
  int32_t ret = 0;
  int waitStatus = 0;
  // timeoutMs 0 is libFuzzer's -timeout=0: no limit, the input runs until it ends.
  const auto inputDeadline = [this](uint64_t from) {
    return config_.timeoutMs == 0 ? UINT64_MAX : from + uint64_t(config_.timeoutMs) * 1000u;
  };
  uint64_t deadline = inputDeadline(t0);
  // A batch of mutants is timed per mutant: every one the child starts restarts the clock.
  uint32_t mutantsSeen = 0;
  bool reportGrace = false;
  uint64_t rssAt = t0 + kRssFirstCheckUs;
  uint64_t graceDeadline = 0;
  bool statusOpen = true;
  std::vector<fwb_msg> &msgs = msgs_;
  // Asks the child for its stack before it is killed, unless a sanitizer is already reporting:
  // that report is the end, and a stack of ours would only cut into it.
  const auto endChild = [&](Kill why, uint32_t reason, uint32_t value, uint32_t limit) {
    const uint64_t now = nowUs();
    killed = why;
    dumpAt = now;
    if (output_.reportStarted()) {
      kill(child, SIGKILL);
      sigkilled = true;
      graceDeadline = now + kKillGraceUs;
      return;
    }
    shm_->setDumpRequest(reason, value, limit);
    kill(child, FWB_DUMP_SIGNAL);
    graceDeadline = now + kDumpGraceUs;
  };
  while (!done && !ended && !died) {
    uint64_t now = nowUs();
    if (killed == Kill::None && mutants > 0 && now >= deadline && !reportGrace &&
        shm_->mutantsDone() != mutantsSeen) {
      mutantsSeen = shm_->mutantsDone();
      deadline = inputDeadline(now);
    }
    if (killed == Kill::None) {
      if (now >= deadline && !reportGrace && output_.reportStarted()) {
        // A sanitizer is writing its report (symbolizing can take longer than the input's
        // limit): the end is that report, so let it finish.
        reportGrace = true;
        deadline = now + kReportGraceUs;
      } else if (now >= deadline) {
        if (child <= 0)
          child = shm_->runningPid(seq);
        if (child <= 0) {
          // No child took the input: the server or its spare is stuck, not the input.
          died = true;
          break;
        }
        endChild(Kill::Timeout, FWB_DUMP_TIMEOUT, config_.timeoutMs, 0);
      } else if (config_.rssLimitMb > 0 && now >= rssAt) {
        if (child <= 0)
          child = shm_->runningPid(seq);
        const uint64_t rss = child > 0 ? residentBytes(child) : 0;
        // Rounded up, so a child just past the limit does not report "150 MB > limit 150 MB".
        if (rss > uint64_t(config_.rssLimitMb) << 20)
          endChild(Kill::Rss, FWB_DUMP_RSS, uint32_t((rss + (1u << 20) - 1) >> 20),
                   config_.rssLimitMb);
        else
          rssAt = nowUs() + kRssIntervalUs;
      }
    } else if (!sigkilled) {
      if (output_.runtimeReportStarted())
        graceDeadline = std::max(graceDeadline, dumpAt + kDumpReportUs);
      if (now >= graceDeadline) {
        kill(child, SIGKILL);
        sigkilled = true;
        graceDeadline = now + kKillGraceUs;
      }
    } else if (now >= graceDeadline) {
      killServer();
      break;
    }
    uint64_t until = deadline;
    if (killed != Kill::None)
      until = graceDeadline;
    else if (config_.rssLimitMb > 0)
      until = std::min(deadline, rssAt);

    pollfd fds[4] = {{statusOpen ? server_->statusFd() : -1, POLLIN, 0},
                     {outputOpen ? server_->outputFd() : -1, POLLIN, 0},
                     {server_->pidFd(), POLLIN, 0},
                     {cancelFd_, POLLIN, 0}};
    if (poll(fds, 4, pollMs(now, until)) < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    if (fds[3].revents) {
      if (child <= 0)
        child = shm_->runningPid(seq);
      if (child > 0)
        kill(child, SIGKILL);
      throw Cancelled();
    }
    bool gaveUp = false;
    if (fds[0].revents) {
      const Drain d = readMessages(server_->statusFd(), msgs);
      statusOpen = d != Drain::Closed;
      for (const fwb_msg &m : msgs) {
        if (m.kind == FWB_MSG_DONE && m.seq == seq && killed == Kill::None) {
          done = true;
          ret = m.value;
          child = m.pid;
        } else if (m.kind == FWB_MSG_EXIT && !done) {
          if (child <= 0)
            child = shm_->runningPid(seq);
          if (child > 0 && m.pid == child) {
            ended = true;
            waitStatus = m.value;
          }
        } else if (m.kind == FWB_MSG_ERROR) {
          gaveUp = true; // the server said why on stderr and exits
        }
      }
    }
    // The status pipe is drained before the output pipe: everything the child wrote before its
    // DONE is in the output pipe by then, so one drain here takes all of it.
    if (fds[1].revents)
      outputOpen = output_.drain(server_->outputFd());
    // Status was read first, so a DONE or EXIT written before the server died still counts.
    if (!done && !ended && (gaveUp || fds[2].revents || !statusOpen))
      died = true;
  }

  if (!done) {
    const int lost = shm_->takeChannelLost();
    if (lost >= 0) {
      liveChild_ = 0;
      inputsInChild_ = 0;
      if (died)
        server_.reset();
      throw TargetFault(channelLostMessage(lost));
    }
  }

  // An ok input's output is drained only when someone asks for it (copyOutput): the next
  // input's start discards it otherwise, which saves a syscall per execution.
  if (server_ && !done)
    output_.drain(server_->outputFd());
  out.output.clear();
  out.durationUs = nowUs() - t0;
  if (child <= 0)
    child = shm_->runningPid(seq);
  out.pid = child > 0 ? child : 0;
  out.signal = 0;
  out.exitCode = -1;
  out.ret = 0;
  out.newCoverage = false;
  out.leaky = false;
  out.slow = false;
  out.features.clear();
  out.reduced = 0;
  out.execUs = mutants > 0 && done ? shm_->mutate()->last_us : out.durationUs;

  if (done) {
    out.kind = EndKind::Ok;
    out.ret = ret;
    out.leaky = (shm_->header()->leak_mode & FWB_LEAK_WATCH) != 0 && shm_->header()->exec_leaky;
    out.slow = config_.slowUnitMs > 0 && out.execUs >= uint64_t(config_.slowUnitMs) * 1000u;
    out.reduced = mutants > 0 ? shm_->mutantReduced() : 0;
    if (config_.persistent > 1) {
      inputsInChild_ += mutants > 0 ? shm_->mutantsDone() : 1;
      liveChild_ = inputsInChild_ < config_.persistent ? child : 0;
    } else {
      liveChild_ = 0;
    }
  } else if (died) {
    out.kind = EndKind::ServerDied;
    if (child > 0)
      kill(child, SIGKILL); // orphaned: it would otherwise run on without a server
    liveChild_ = 0;
    server_.reset();
  } else {
    liveChild_ = 0;
    inputsInChild_ = 0;
    if (killed == Kill::Timeout && output_.reportStarted()) {
      out.kind = classifyEnd(W_EXITCODE(0, SIGKILL), output_.sighting(), out.signal, out.exitCode);
    } else if (killed != Kill::None) {
      out.kind = killed == Kill::Timeout ? EndKind::Timeout : EndKind::Oom;
      // The child's own end: the exit code of its stack report, or SIGKILL.
      if (ended && WIFEXITED(waitStatus))
        out.exitCode = WEXITSTATUS(waitStatus);
      else
        out.signal = ended && WIFSIGNALED(waitStatus) ? WTERMSIG(waitStatus) : SIGKILL;
    } else {
      out.kind = classifyEnd(waitStatus, output_.sighting(), out.signal, out.exitCode);
    }
  }

  if (feedback && out.kind != EndKind::ServerDied) {
    const uint32_t cap = shm_->countersCapacity();
    const size_t tail = shm_->gccMode() ? cap - FWB_GCC_SLOTS : cap;
    out.newCoverage = feedback_->merge(shm_->counters(), shm_->countersUsed(), tail, cap);
    if (out.newCoverage)
      out.reduced = 0;
    if (out.newCoverage || out.reduced)
      Feedback::features(shm_->counters(), shm_->countersUsed(), tail, cap, out.features);
  }
  out.outputTruncated = output_.truncated();
}

void ExecLoop::copyOutput(ExecResult &out) {
  if (server_)
    output_.drain(server_->outputFd());
  out.outputTruncated = output_.truncated();
  out.output.clear();
  output_.copyTo(out.output);
}

void ExecLoop::shutdown() {
  if (!server_)
    return;
  if (liveChild_ > 0)
    kill(liveChild_, SIGKILL);
  liveChild_ = 0;
  server_->shutdown(kShutdownGraceMs);
  server_.reset();
}

} // namespace fuzzwb
