#include "pack/place_file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/files.h"
#include "hash/sha256.h"

namespace pix {
namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Clones source into a new dest. Returns 0 or the errno of the failure;
// dest is removed on failure.
int Reflink(const std::string& source, const std::string& dest) {
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) return errno;
  Fd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.fd < 0) return errno;
  if (::ioctl(out.fd, FICLONE, in.fd) != 0) {
    const int err = errno;
    ::unlink(dest.c_str());
    return err;
  }
  return 0;
}

}  // namespace

Result<std::string> CopyFileHashed(const std::string& source, const std::string& dest,
                                   uint64_t* bytes) {
  Sha256 hash;
  uint64_t total = 0;
  PIX_RETURN_IF_ERROR(CopyFile(source, dest, [&](std::string_view chunk) {
    hash.Update(chunk.data(), chunk.size());
    total += chunk.size();
  }));
  if (bytes) *bytes = total;
  return hash.Finish();
}

Result<PlaceOutcome> PlaceFile(const std::string& source, const std::string& dest,
                               const std::string& expected_sha256, PlaceMode mode) {
  // No access() first: every way of placing fails with ENOENT on a
  // missing source (the destination's folder exists), and at 100,000 files
  // the extra path lookup is a tenth of the run.
  PlaceOutcome outcome;
  bool placed = false;
  if (mode == PlaceMode::kLink) {
    if (::link(source.c_str(), dest.c_str()) == 0) {
      placed = true;
      outcome.how = "link";
    } else if (errno == ENOENT) {
      outcome.kind = PlaceOutcome::kMissing;
      return outcome;
    } else if (!LinkRefused(errno)) {
      return Status::FromErrno("cannot link " + source + " to " + dest, errno);
    }
  }
  if (!placed && mode != PlaceMode::kLink) {
    const int err = Reflink(source, dest);
    if (err == 0) {
      placed = true;
      outcome.how = "reflink";
    } else if (err == ENOENT) {
      outcome.kind = PlaceOutcome::kMissing;
      return outcome;
    } else if (err == EEXIST || err == ENOSPC || err == EACCES || err == EROFS) {
      return Status::FromErrno("cannot create " + dest, err);
    }
  }
  if (placed) {
    auto sha = Sha256File(dest, &outcome.bytes);
    if (!sha.ok()) {
      ::unlink(dest.c_str());
      return sha.status();
    }
    outcome.sha256 = *sha;
  } else {
    auto sha = CopyFileHashed(source, dest, &outcome.bytes);
    if (!sha.ok()) {
      if (::access(source.c_str(), F_OK) != 0 && errno == ENOENT) {
        outcome.kind = PlaceOutcome::kMissing;
        return outcome;
      }
      return sha.status();
    }
    outcome.sha256 = *sha;
    outcome.how = "copy";
  }
  if (!expected_sha256.empty() && outcome.sha256 != expected_sha256) {
    ::unlink(dest.c_str());
    outcome.kind = PlaceOutcome::kChanged;
  }
  return outcome;
}

}  // namespace pix
