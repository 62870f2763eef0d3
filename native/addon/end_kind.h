// How an execution ended: the kinds of the protocol doc's table and the rules that pick one.
#ifndef FUZZWB_ADDON_END_KIND_H
#define FUZZWB_ADDON_END_KIND_H

#include "output_capture.h"

namespace fuzzwb {

enum class EndKind { Ok, Crash, Sanitizer, Timeout, Oom, Exit, ServerDied };

// The name the TypeScript side uses ("server-died", ...).
const char *endKindName(EndKind kind);

// Classifies a child that ended without DONE and without being killed by the executor for a
// limit: from its wait status and the sanitizer report lines of its output. Sets signal
// (0 when none) and exitCode (-1 when it did not exit by itself).
EndKind classifyEnd(int waitStatus, const SanitizerSighting &report, int &signal, int &exitCode);

} // namespace fuzzwb

#endif
