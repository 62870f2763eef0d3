// Drains the target's stdout+stderr pipe into a bounded tail and spots sanitizer report lines.
#include "output_capture.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fuzzwb {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kLineMax = 400; // long enough for any report's first line

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Where the tool name starts in "==123==ERROR: TOOL: ...", or npos.
size_t errorToolAt(const std::string &s) {
  if (s.size() < 4 || s[0] != '=' || s[1] != '=' || !isDigit(s[2]))
    return std::string::npos;
  size_t i = 2;
  while (i < s.size() && isDigit(s[i]))
    i++;
  return s.compare(i, 9, "==ERROR: ") == 0 ? i + 9 : std::string::npos;
}

// "==123==ERROR: AddressSanitizer: ..." (also LeakSanitizer, MemorySanitizer, ...).
bool isErrorLine(const std::string &s) {
  const size_t i = errorToolAt(s);
  if (i == std::string::npos)
    return false;
  const size_t colon = s.find(':', i);
  const size_t name = s.find("Sanitizer", i);
  return name != std::string::npos && (colon == std::string::npos || name < colon);
}

// "==123==ERROR: fuzzwb: ...": the runtime's deadly-signal or stack-on-request report.
bool isRuntimeErrorLine(const std::string &s) {
  const size_t i = errorToolAt(s);
  return i != std::string::npos && s.compare(i, 8, "fuzzwb: ") == 0;
}

bool isSummaryLine(const std::string &s) {
  return s.compare(0, 9, "SUMMARY: ") == 0 && s.find("Sanitizer", 9) != std::string::npos;
}

} // namespace

OutputCapture::OutputCapture(size_t limit) : ring_(limit) {}

bool OutputCapture::drain(int fd) {
  uint8_t chunk[kChunk];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n > 0) {
      scan(reinterpret_cast<const char *>(chunk), size_t(n));
      append(chunk, size_t(n));
      if (size_t(n) < sizeof(chunk))
        return true; // a short read emptied the pipe
      continue;
    }
    if (n == 0)
      return false;
    if (errno == EINTR)
      continue;
    return true; // EAGAIN: nothing more for now
  }
}

void OutputCapture::clear() {
  head_ = 0;
  len_ = 0;
  dropped_ = false;
  line_.clear();
  skipLine_ = false;
  sighting_ = SanitizerSighting();
  runtimeReport_ = false;
}

void OutputCapture::append(const uint8_t *data, size_t n) {
  const size_t cap = ring_.size();
  if (cap == 0) {
    dropped_ = dropped_ || n > 0;
    return;
  }
  if (n >= cap) {
    dropped_ = dropped_ || len_ > 0 || n > cap;
    std::memcpy(ring_.data(), data + (n - cap), cap);
    head_ = 0;
    len_ = cap;
    return;
  }
  const size_t first = std::min(n, cap - head_);
  std::memcpy(ring_.data() + head_, data, first);
  std::memcpy(ring_.data(), data + first, n - first);
  head_ = (head_ + n) % cap;
  if (len_ + n > cap)
    dropped_ = true;
  len_ = std::min(cap, len_ + n);
}

void OutputCapture::copyTo(std::vector<uint8_t> &out) const {
  const size_t cap = ring_.size();
  const size_t start = (head_ + cap - len_) % (cap ? cap : 1);
  const size_t first = std::min(len_, cap - start);
  out.insert(out.end(), ring_.begin() + long(start), ring_.begin() + long(start + first));
  out.insert(out.end(), ring_.begin(), ring_.begin() + long(len_ - first));
}

std::string OutputCapture::lastLines(size_t n) const {
  std::vector<uint8_t> text;
  copyTo(text);
  std::vector<std::string> lines;
  size_t end = text.size();
  while (end > 0 && lines.size() < n) {
    size_t start = end;
    while (start > 0 && text[start - 1] != '\n')
      start--;
    std::string line(text.begin() + long(start), text.begin() + long(end));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (!line.empty())
      lines.push_back(line.substr(0, kLineMax));
    end = start > 0 ? start - 1 : 0;
  }
  std::string joined;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    joined += (joined.empty() ? "" : " | ") + *it;
  return joined;
}

// Splits the stream into lines and keeps the head of those that may be report lines; the rest
// are skipped with memchr so a target writing megabytes costs little.
void OutputCapture::scan(const char *data, size_t n) {
  while (n > 0) {
    const char *nl = static_cast<const char *>(std::memchr(data, '\n', n));
    const size_t take = nl ? size_t(nl - data) : n;
    if (!skipLine_) {
      if (line_.empty() && take > 0 && data[0] != '=' && data[0] != 'S')
        skipLine_ = true;
      else if (line_.size() < kLineMax)
        line_.append(data, std::min(take, kLineMax - line_.size()));
    }
    if (!nl)
      return;
    checkLine();
    data = nl + 1;
    n -= take + 1;
  }
}

void OutputCapture::checkLine() {
  if (!skipLine_) {
    if (sighting_.errorLine.empty() && isErrorLine(line_)) {
      sighting_.errorLine = line_;
      sighting_.seen = true;
    } else if (sighting_.summaryLine.empty() && isSummaryLine(line_)) {
      sighting_.summaryLine = line_;
      sighting_.seen = true;
    } else if (!runtimeReport_ && isRuntimeErrorLine(line_)) {
      runtimeReport_ = true;
    }
  }
  line_.clear();
  skipLine_ = false;
}

const SanitizerSighting &OutputCapture::sighting() {
  if (!line_.empty())
    checkLine();
  return sighting_;
}

} // namespace fuzzwb
