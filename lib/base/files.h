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

// Writes `data` to `path` through "<path>.tmp-<pid>" and rename().
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Streams a file to `consume` in chunks of up to 64 KiB.
Status ReadFileChunks(const std::string& path, const std::function<void(std::string_view)>& consume);

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns the
// errno of a failure, 0 on success.
int WriteAll(int fd, std::string_view data);

// Reads a whole (small) file, or at most its first `max_bytes`.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = SIZE_MAX);

// Joins path components with '/'.
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace pix
