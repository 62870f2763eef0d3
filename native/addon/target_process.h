// Starts the target's fork server with the protocol's descriptors and watches processes.
#ifndef FUZZWB_ADDON_TARGET_PROCESS_H
#define FUZZWB_ADDON_TARGET_PROCESS_H

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fuzzwb {

struct LaunchSpec {
  std::string target;
  std::vector<std::string> args;
  std::vector<std::string> env; // "NAME=value" entries, complete
  std::string cwd;              // empty: inherit
};

// One running fork server, leader of a process group that holds every process of the target.
// The engine-side ends of its pipes are non-blocking and close-on-exec; the destructor kills
// the group and reaps the server.
class TargetProcess {
public:
  // Spawns the target; throws std::runtime_error with one line when it cannot be started.
  TargetProcess(const LaunchSpec &spec, int shmFd);
  ~TargetProcess();
  TargetProcess(const TargetProcess &) = delete;
  TargetProcess &operator=(const TargetProcess &) = delete;

  pid_t pid() const { return pid_; }
  int controlFd() const { return ctl_; }
  int statusFd() const { return status_; }
  int outputFd() const { return output_; }
  int pidFd() const { return pidfd_; }

  // Closes the control pipe (the server exits on EOF), waits up to graceMs, then SIGKILLs the
  // group.
  void shutdown(int graceMs);
  bool exited() const { return reaped_; }
  int waitStatus() const { return status_code_; }

private:
  void killAndWait();

  pid_t pid_ = -1;
  int ctl_ = -1;
  int status_ = -1;
  int output_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
  int status_code_ = 0;
};

// Resident set of a process in bytes (from /proc/PID/statm); 0 when it cannot be read.
uint64_t residentBytes(pid_t pid);

// "exit code N" or "signal N (SIGNAME)" for a wait status.
std::string describeWaitStatus(int status);

} // namespace fuzzwb

#endif
