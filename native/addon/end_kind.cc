// How an execution ended: the kinds of the protocol doc's table and the rules that pick one.
#include "end_kind.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "fuzzwb_shm.h"

namespace fuzzwb {
namespace {

bool containsNoCase(const std::string &text, const char *needle) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return lower.find(needle) != std::string::npos;
}

// ASan words its out-of-memory ends in the ERROR line ("out of memory: allocator is trying
// to allocate", "requested allocation size ... exceeds") and in SUMMARY ("out-of-memory",
// "allocation-size-too-big"); libFuzzer-style runtimes say rss-limit-exceeded / malloc-limit.
bool isOomReport(const SanitizerSighting &s) {
  for (const char *kind : {"out of memory", "out-of-memory", "allocation-size-too-big",
                           "requested allocation size", "rss-limit-exceeded", "malloc-limit"}) {
    if (containsNoCase(s.errorLine, kind) || containsNoCase(s.summaryLine, kind))
      return true;
  }
  return false;
}

} // namespace

const char *endKindName(EndKind kind) {
  switch (kind) {
  case EndKind::Ok:
    return "ok";
  case EndKind::Crash:
    return "crash";
  case EndKind::Sanitizer:
    return "sanitizer";
  case EndKind::Timeout:
    return "timeout";
  case EndKind::Oom:
    return "oom";
  case EndKind::Exit:
    return "exit";
  case EndKind::ServerDied:
    return "server-died";
  }
  return "unknown";
}

EndKind classifyEnd(int waitStatus, const SanitizerSighting &report, int &signal, int &exitCode) {
  signal = 0;
  exitCode = -1;
  if (WIFSIGNALED(waitStatus))
    signal = WTERMSIG(waitStatus);
  else if (WIFEXITED(waitStatus))
    exitCode = WEXITSTATUS(waitStatus);
  // The report wins over the exit code: the user's own *SAN_OPTIONS may change the code, or
  // abort_on_error may turn the report into a signal.
  if (report.seen)
    return isOomReport(report) ? EndKind::Oom : EndKind::Sanitizer;
  if (exitCode == FWB_SANITIZER_EXITCODE)
    return EndKind::Sanitizer;
  return signal != 0 ? EndKind::Crash : EndKind::Exit;
}

} // namespace fuzzwb
