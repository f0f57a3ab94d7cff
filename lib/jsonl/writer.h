// RecordWriter: writes JSON-lines records to stdout or a file.
//
// Output is block-buffered (64 KiB) into pipes and files and line-buffered on
// a terminal or when asked (--line-buffered), so `pix-x | jq` streams when a
// person watches and stays fast in a pipeline. Writing to a file goes to
// "<path>.tmp-<pid>" and is renamed over <path> by Close(), so a reader never
// sees half a file. A reader that went away (EPIPE) gives kBrokenPipe, which
// tools turn into a quiet exit. Thread-safety: one thread per writer.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "jsonl/record.h"

namespace pix {

enum class LineBuffering { kAuto, kAlways, kNever };

class RecordWriter {
 public:
  // Opens `path`; "-" means standard output.
  static Result<std::unique_ptr<RecordWriter>> Open(const std::string& path, LineBuffering mode);
  // Writes to an open descriptor it does not own.
  RecordWriter(int fd, LineBuffering mode);
  ~RecordWriter();  // flushes; a file not Close()d is removed
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  Status Write(const Record& record);
  // Writes one already-serialised line (no newline).
  Status WriteLine(std::string_view json);
  Status Flush();
  // Flushes, and for a file, renames it into place.
  Status Close();

  uint64_t records_written() const { return written_; }

 private:
  int fd_;
  bool line_buffered_;
  std::string path_;       // empty for stdout
  std::string temp_path_;  // where a file is written until Close(); empty: in place
  std::string buf_;
  uint64_t written_ = 0;
  bool closed_ = false;
};

}  // namespace pix
