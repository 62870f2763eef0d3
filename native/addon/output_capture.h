// Drains the target's stdout+stderr pipe into a bounded tail and spots sanitizer report lines.
#ifndef FUZZWB_ADDON_OUTPUT_CAPTURE_H
#define FUZZWB_ADDON_OUTPUT_CAPTURE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fuzzwb {

// What the sanitizer report lines of one execution said. Lines are found while streaming, so
// they are known even when the report's head was dropped from the kept tail.
struct SanitizerSighting {
  bool seen = false;
  std::string errorLine;   // "==PID==ERROR: XSanitizer: ..." (first one)
  std::string summaryLine; // "SUMMARY: XSanitizer: ..." (first one)
};

class OutputCapture {
public:
  explicit OutputCapture(size_t limit);

  // Reads everything available without blocking; returns false once the pipe reached EOF.
  bool drain(int fd);
  // Forgets what was captured (the start of a new execution).
  void clear();

  size_t size() const { return len_; }
  bool truncated() const { return dropped_; }
  // Appends the kept tail, oldest byte first.
  void copyTo(std::vector<uint8_t> &out) const;
  // The last n non-empty lines of the kept tail joined by " | ", for one-line errors.
  std::string lastLines(size_t n) const;
  // A sanitizer report line was seen in this execution's output so far.
  bool reportStarted() const { return sighting_.seen; }
  // The runtime's own report ("==PID==ERROR: fuzzwb: ...") was seen in this execution's output.
  bool runtimeReportStarted() const { return runtimeReport_; }
  // Folds a pending unterminated line into the sighting and returns it.
  const SanitizerSighting &sighting();

private:
  void append(const uint8_t *data, size_t n);
  void scan(const char *data, size_t n);
  void checkLine();

  std::vector<uint8_t> ring_;
  size_t head_ = 0; // next write position
  size_t len_ = 0;
  bool dropped_ = false;
  std::string line_; // the current line's head, while it may still be a report line
  bool skipLine_ = false;
  SanitizerSighting sighting_;
  bool runtimeReport_ = false;
};

} // namespace fuzzwb

#endif
