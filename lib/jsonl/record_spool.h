// RecordSpool: an anonymous temporary file of JSON lines, for the stages that
// must see all their input before writing any output (near-duplicate search
// needs every hash before it can say which image of a group is kept).
// Records wait on disk instead of in memory, so memory stays near the size
// of the hashes whatever the size of the records.
//
// The file is unlinked as soon as it is created: nothing is left behind,
// whatever way the process ends. Writes and reads are buffered (1 MiB).
// Failure modes: kIoError naming the directory (full disk, no permission).
// Thread-safety: one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/spill_file.h"
#include "base/status.h"
#include "jsonl/record.h"

namespace pix {

class RecordSpool {
 public:
  // Creates the spool in `dir`.
  static Result<std::unique_ptr<RecordSpool>> Create(const std::string& dir);
  RecordSpool(const RecordSpool&) = delete;
  RecordSpool& operator=(const RecordSpool&) = delete;

  // Appends one line. REQUIRES: `line` has no '\n'; not reading.
  Status Append(std::string_view line);

  // Flushes and goes back to the first line; may be called again to reread.
  Status Rewind();
  // The next line into *line; false at the end.
  Result<bool> Next(std::string* line);

  uint64_t bytes() const { return file_.bytes(); }

 private:
  explicit RecordSpool(ByteSpill file) : file_(std::move(file)) {}

  ByteSpill file_;  // the lines, written through its buffer
  std::string buf_;  // reading: lines read from file_, from pos_ on
  size_t pos_ = 0;
  bool eof_ = false;
};

// Reads the next `count` lines of `spool` from where reading stands (after
// Rewind(), the first), each a record this process spooled with
// Record::AppendJson(), and hands the i-th (0-based) to `each`, except the
// first `skip`, which are only read past. For a stage that stopped (a
// malformed line, SIGINT, a full disk) to write the records it read but had
// not written yet, `each` setting the "interrupted" error on those it had not
// judged, so nothing read is lost (pix(7)). Stops at the first error `each`
// returns; kInternal when the spool ends before `count` lines.
Status ForEachSpooledRecord(RecordSpool& spool, size_t skip, size_t count,
                            const std::function<Status(size_t i, Record& record)>& each);

}  // namespace pix
