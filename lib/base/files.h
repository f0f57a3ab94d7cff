// File-system helpers with the project's safety rules built in: writes go to
// a temporary name in the same directory and are renamed into place, so a
// crash never leaves a half-written file under its final name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pix {

// Creates `dir` and its parents (mode 0755). OK when it already exists.
Status MakeDirs(const std::string& dir);

// Writes `data` to `path` through "<path>.tmp-<pid>" and rename(); to a
// special file (IsSpecialFile) directly.
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Whether `path` exists and is neither a regular file nor a directory: a
// device such as /dev/null or /dev/stderr, a FIFO or a socket. Writers that
// rename a temporary file into place write such a path in place instead,
// since the rename would replace the device with a file (as root, /dev/null
// itself).
bool IsSpecialFile(const std::string& path);

// Receives a file's text piece by piece; an error ends the file.
using TextSink = std::function<Status(std::string_view)>;

// A file written piece by piece, for files too large to build in memory:
// Append() buffers (64 KiB) into "<path>.tmp-<pid>", Commit() renames it
// over `path`. Destroyed without a successful Commit() (an error, an
// early return), it removes the temporary file, so `path` is either the
// previous file or the whole new one. A special file (IsSpecialFile) is
// written in place. Not thread-safe.
class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // REQUIRES: not open yet.
  Status Open(const std::string& path);
  Status Append(std::string_view data);
  Status Commit();
  // Bytes appended so far.
  uint64_t size() const { return size_; }
  // Appends through this writer.
  TextSink Sink() {
    return [this](std::string_view data) { return Append(data); };
  }

 private:
  Status Flush();
  void Abandon();

  std::string path_;
  std::string temp_;  // empty: writing `path_` in place
  int fd_ = -1;
  std::string buf_;
  uint64_t size_ = 0;
};

// "<path>.tmp-<pid>", the name a write goes to before it is renamed into
// place. First removes the "<path>.tmp-<pid>" files of processes that no
// longer run (left by a kill -9 mid-write); a live process's are kept.
std::string TempPathFor(const std::string& path);

// Opens a file the user named for reading, without ever blocking: the open
// is non-blocking, and anything that is not a regular file (a FIFO, a
// device, a socket, a directory) is refused with "<path>: not a regular
// file" before a byte is read. The descriptor returned is blocking again.
// Every open of a path taken from a record or a flag goes through here.
Result<int> OpenRegularFile(const std::string& path);

// Streams a file to `consume` in chunks of up to 64 KiB.
Status ReadFileChunks(const std::string& path, const std::function<void(std::string_view)>& consume);

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns the
// errno of a failure, 0 on success.
int WriteAll(int fd, std::string_view data);

// Reads a whole (small) file, or at most its first `max_bytes`.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = SIZE_MAX);

// Copies `from` to a new file `to` (mode 0644; an existing `to` is an error)
// in chunks of 128 KiB, handing each chunk to `each_chunk` when given (to
// hash the bytes as they are copied). On a failure `to` is removed. `to` is
// written directly: the caller gives a fresh or temporary name.
Status CopyFile(const std::string& from, const std::string& to,
                const std::function<void(std::string_view)>& each_chunk = nullptr);

// Whether link(2) or a FICLONE reflink failing with `err` means the file
// system will not do it for these two paths (another file system: EXDEV; no
// support: EPERM, EOPNOTSUPP, EINVAL, ENOSYS; too many links: EMLINK; ...),
// so that a copy should stand in.
bool LinkRefused(int err);

// How LinkOrCopyFile placed a file.
enum class LinkOutcome {
  kLinked,    // a hard link
  kCopied,    // the file system refused the link: a copy
  kExisting,  // `to` already existed and was left as it was
};

// Hard-links `from` to `to`. Where the file system refuses the link
// (LinkRefused), copies the bytes to "<to>.tmp-<pid>" and renames that into
// place, so `to` never holds part of a file. `to`'s folder must exist.
// Failure modes: a missing `from` is kNotFound; other failures kIoError
// naming the paths.
Result<LinkOutcome> LinkOrCopyFile(const std::string& from, const std::string& to);

// Removes `path` and everything under it; OK when it does not exist.
// Symbolic links are never followed: a link inside the tree (or `path`
// itself being one) is removed as a link, and whatever it points to, in the
// tree or outside it, is left alone. Folders are opened with O_NOFOLLOW and
// emptied through their descriptors, so a folder swapped for a link while
// the removal runs cannot lead it out of the tree. Failure modes: kIoError
// naming the path that could not be read or removed (what came before it is
// already gone).
Status RemoveTree(const std::string& path);

// Joins path components with '/'.
std::string JoinPath(std::string_view a, std::string_view b);

// The directory of the running executable (from /proc/self/exe, else from
// `argv0`; "." when that has no '/'). A suite's driver finds its sibling
// tools there.
std::string ExecutableDir(const char* argv0);

}  // namespace pix
