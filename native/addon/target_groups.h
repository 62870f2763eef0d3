// The process groups of the live targets, killed whole when the engine exits.
#ifndef FUZZWB_ADDON_TARGET_GROUPS_H
#define FUZZWB_ADDON_TARGET_GROUPS_H

#include <sys/types.h>

namespace fuzzwb {

// Records a target's process group; the first call also arranges that exit() kills every group
// still recorded (process.exit() runs no environment cleanup hooks).
void addTargetGroup(pid_t pgid);
// Forgets it: call before the group leader is reaped, as its id may then be reused.
void removeTargetGroup(pid_t pgid);
// SIGKILLs a whole group. Only while its leader is not reaped: a zombie leader keeps the id.
void killTargetGroup(pid_t pgid);

} // namespace fuzzwb

#endif
