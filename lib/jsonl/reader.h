// RecordReader: reads JSON-lines records from a file or stdin.
//
// Lines end in "\n" or "\r\n"; blank lines are skipped. A UTF-8 byte-order
// mark is accepted at the very start of the input only. A line longer than
// `max_line_bytes` is discarded while it is read (memory stays bounded) and
// reported as an error. Errors name the input and the line:
// "<stdin>:12: invalid JSON: ...". With `skip_invalid` the reader skips bad
// lines, counts them and keeps the first message for the summary.
//
// Thread-safety: one thread per reader. Blocking reads return early with
// kInterrupted when the process is signalled (see base/signals.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "jsonl/record.h"

namespace pix {

struct ReaderOptions {
  // Longest accepted line in bytes. Records are a few KB; the default leaves
  // room for large EXIF and provenance lists while bounding memory.
  size_t max_line_bytes = 4 << 20;
  // Skip malformed and over-long lines instead of failing on them.
  bool skip_invalid = false;
};

class RecordReader {
 public:
  // Opens `path`; "-" means standard input.
  static Result<std::unique_ptr<RecordReader>> Open(const std::string& path,
                                                    const ReaderOptions& options);
  // Reads from an open descriptor; `name` is used in messages. Does not own fd.
  RecordReader(int fd, std::string name, const ReaderOptions& options);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // The next record, or nullopt at the end of the input. A bad line yields a
  // kCorruption/kLimitExceeded error naming file:line (unless skip_invalid);
  // the reader stays usable and the next call continues after that line.
  Result<std::optional<Record>> Next();

  // Makes blocking reads give up with kInterrupted as soon as `fd` becomes
  // readable (a "stop" pipe), so a read-ahead thread can be joined.
  void SetCancelFd(int fd) { cancel_fd_ = fd; }
  // From now on Next() reads nothing more from the input: it returns the
  // records whose lines are already buffered, then kInterrupted. A stage
  // that stops on a fatal error uses it to write every record it has taken
  // from its input without waiting for more.
  void StopReading() { stop_reading_ = true; }

  const std::string& name() const { return name_; }
  uint64_t line_number() const { return line_; }
  uint64_t skipped() const { return skipped_; }
  // The message of the first skipped line, empty when none was skipped.
  const std::string& first_skip_message() const { return first_skip_message_; }

 private:
  enum class LineResult { kLine, kTooLong, kEnd };
  // Fills line_ with the next line's bytes (terminator removed).
  Result<LineResult> ReadLine();
  Status Fill();  // reads more bytes into buf_
  Status LineError(const Status& cause) const;

  int fd_;
  int cancel_fd_ = -1;
  bool stop_reading_ = false;
  bool owns_fd_ = false;
  std::string name_;
  ReaderOptions options_;
  RecordParser parser_;
  std::string buf_;
  size_t pos_ = 0;  // start of unconsumed bytes in buf_
  bool eof_ = false;
  std::string text_;  // the current line
  uint64_t line_ = 0;
  uint64_t skipped_ = 0;
  std::string first_skip_message_;
};

}  // namespace pix
