// Starts the target's fork server with the protocol's descriptors and watches processes.
#include "target_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "fuzzwb_shm.h"
#include "target_groups.h"

namespace fuzzwb {
namespace {

[[noreturn]] void fail(const std::string &what, int err) {
  throw std::runtime_error(what + ": " + std::strerror(err));
}

// Keeps our descriptors away from 200-202 so that installing one protocol fd cannot clobber
// the source of another.
int moveAboveProtocolFds(int fd) {
  if (fd < FWB_CTL_FD || fd > FWB_SHM_FD)
    return fd;
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, FWB_SHM_FD + 1);
  close(fd);
  return moved;
}

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe makePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    fail("cannot create a pipe", errno);
  return {moveAboveProtocolFds(fds[0]), moveAboveProtocolFds(fds[1])};
}

void setNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Descriptors below the protocol range that the engine inherited without FD_CLOEXEC: the
// target must not hold them (a held pipe end keeps the engine's peers from seeing EOF).
std::vector<int> inheritableFds() {
  std::vector<int> fds;
  DIR *dir = opendir("/proc/self/fd");
  if (!dir)
    return fds;
  const int self = dirfd(dir);
  while (dirent *e = readdir(dir)) {
    const int fd = atoi(e->d_name);
    if (fd <= 2 || fd >= FWB_CTL_FD || fd == self)
      continue;
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC))
      fds.push_back(fd);
  }
  closedir(dir);
  return fds;
}

std::vector<char *> cStrings(const std::vector<std::string> &items) {
  std::vector<char *> out;
  out.reserve(items.size() + 1);
  for (const std::string &s : items)
    out.push_back(const_cast<char *>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

void closeIfOpen(int &fd) {
  if (fd >= 0)
    close(fd);
  fd = -1;
}

} // namespace

TargetProcess::TargetProcess(const LaunchSpec &spec, int shmFd) {
  Pipe ctl = makePipe();
  Pipe status = makePipe();
  Pipe output = makePipe();
  const int devNull = moveAboveProtocolFds(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int shm = moveAboveProtocolFds(fcntl(shmFd, F_DUPFD_CLOEXEC, FWB_SHM_FD + 1));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, devNull, 0);
  posix_spawn_file_actions_adddup2(&actions, output.write, 1);
  posix_spawn_file_actions_adddup2(&actions, output.write, 2);
  posix_spawn_file_actions_adddup2(&actions, ctl.read, FWB_CTL_FD);
  posix_spawn_file_actions_adddup2(&actions, status.write, FWB_STATUS_FD);
  posix_spawn_file_actions_adddup2(&actions, shm, FWB_SHM_FD);
  for (int fd : inheritableFds())
    posix_spawn_file_actions_addclose(&actions, fd);
  posix_spawn_file_actions_addclosefrom_np(&actions, FWB_SHM_FD + 1);
  if (!spec.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  // Node ignores SIGPIPE and our thread blocks signals: the target gets default dispositions
  // and an empty mask, as if started from a shell. It gets a process group of its own, led by
  // the fork server: a harness that signals its group (kill(0, SIGKILL)) then hits only the
  // target, not the engine and whoever shares the engine's group (a terminal's job, the
  // extension host), and a terminal's Ctrl-C reaches the engine alone, which then stops the
  // target. Every process of the target, the harness's own children included, dies with the
  // group.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> argvStrings;
  argvStrings.push_back(spec.target);
  argvStrings.insert(argvStrings.end(), spec.args.begin(), spec.args.end());
  std::vector<char *> argv = cStrings(argvStrings);
  std::vector<char *> envp = cStrings(spec.env);
  const int err =
      posix_spawn(&pid_, spec.target.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(ctl.read);
  close(status.write);
  close(output.write);
  close(devNull);
  close(shm);
  if (err != 0) {
    close(ctl.write);
    close(status.read);
    close(output.read);
    fail("cannot start " + spec.target, err);
  }
  addTargetGroup(pid_);
  ctl_ = ctl.write;
  status_ = status.read;
  output_ = output.read;
  setNonBlocking(status_);
  setNonBlocking(output_);
  pidfd_ = int(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    const int e = errno;
    killAndWait();
    fail("cannot watch the fork server (pidfd_open)", e);
  }
}

TargetProcess::~TargetProcess() {
  if (!reaped_)
    killAndWait();
  closeIfOpen(ctl_);
  closeIfOpen(status_);
  closeIfOpen(output_);
  closeIfOpen(pidfd_);
}

void TargetProcess::shutdown(int graceMs) {
  closeIfOpen(ctl_);
  if (reaped_)
    return;
  // The server ends on the control pipe's EOF; whatever else of the target lives goes with
  // the group, now or after the grace.
  pollfd p{pidfd_, POLLIN, 0};
  poll(&p, 1, graceMs);
  killAndWait();
}

// Until the leader is reaped its id cannot name another group, so the group is killed first.
void TargetProcess::killAndWait() {
  killTargetGroup(pid_);
  removeTargetGroup(pid_);
  while (waitpid(pid_, &status_code_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

uint64_t residentBytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/statm", int(pid));
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[128];
  const ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = 0;
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(buf, "%llu %llu", &size, &resident) != 2)
    return 0;
  static const long pageSize = sysconf(_SC_PAGESIZE);
  return resident * uint64_t(pageSize);
}

std::string describeWaitStatus(int status) {
  if (WIFEXITED(status))
    return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char *name = sigabbrev_np(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "wait status " + std::to_string(status);
}

} // namespace fuzzwb
