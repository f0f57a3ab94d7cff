// SpillFile: fixed-size values written to an anonymous temporary file and
// read back in batches, for a search that gathers more than it should hold
// in memory at once (pix-dedup's crop search: 14 windows of every image).
//
// The file is unlinked as soon as it is created: nothing is left behind,
// whatever way the process ends. Writes are buffered (1 MiB); reads go
// straight into the caller's vector.
// Failure modes: kIoError naming the directory (full disk, no permission).
// Thread-safety: one thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "base/status.h"

namespace pix {

// The untyped file under SpillFile<T> and RecordSpool.
class ByteSpill {
 public:
  // Creates the file in `dir` ("." when empty) as "<prefix>XXXXXX", and
  // unlinks it at once.
  static Result<ByteSpill> Create(const std::string& dir,
                                  const std::string& prefix = "pix-spill-");
  ByteSpill(ByteSpill&& other) noexcept;
  ByteSpill& operator=(ByteSpill&& other) noexcept;
  ~ByteSpill();

  // REQUIRES: not rewound yet.
  Status Append(const void* data, size_t size);
  // Flushes, and goes back to the first byte.
  Status Rewind();
  // Reads up to `size` bytes into `data`; the number read, 0 at the end.
  Result<size_t> Read(void* data, size_t size);

  uint64_t bytes() const { return bytes_; }
  // Bytes after the reading position (all of them after Rewind).
  uint64_t unread() const { return bytes_ - read_; }

 private:
  ByteSpill(int fd, std::string dir) : fd_(fd), dir_(std::move(dir)) {}
  Status Flush();

  int fd_ = -1;
  std::string dir_;
  std::string buf_;
  uint64_t bytes_ = 0;
  uint64_t read_ = 0;
};

template <typename T>
class SpillFile {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  static Result<SpillFile> Create(const std::string& dir) {
    PIX_ASSIGN_OR_RETURN(ByteSpill file, ByteSpill::Create(dir));
    return SpillFile(std::move(file));
  }

  // REQUIRES: not rewound yet.
  Status Append(const T& value) { return file_.Append(&value, sizeof value); }
  // Values appended so far.
  uint64_t size() const { return file_.bytes() / sizeof(T); }
  // Goes back to the first value; may be called again to reread.
  Status Rewind() { return file_.Rewind(); }
  // Replaces *batch with the next values, up to `max` (at least one); empty
  // at the end. Holds no more than the values it returns.
  Status Read(size_t max, std::vector<T>* batch) {
    batch->resize(std::min<uint64_t>(std::max<size_t>(max, 1), file_.unread() / sizeof(T)));
    PIX_ASSIGN_OR_RETURN(const size_t got, file_.Read(batch->data(), batch->size() * sizeof(T)));
    if (got % sizeof(T) != 0) return Status::Internal("a temporary file ended mid-value");
    batch->resize(got / sizeof(T));
    return Status::Ok();
  }

 private:
  explicit SpillFile(ByteSpill file) : file_(std::move(file)) {}
  ByteSpill file_;
};

}  // namespace pix
