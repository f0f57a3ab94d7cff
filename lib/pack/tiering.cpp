#include "pack/tiering.h"

#include <fmt/format.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/file_names.h"
#include "base/files.h"
#include "pack/manifest.h"
#include "pack/tree.h"

namespace pix {
namespace {

std::string StripSuffix(const std::string& path, Tier tier) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::string_view suffix = TierSuffix(tier);
  return p.substr(0, p.size() - suffix.size());
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// fsync() of a file or a folder (its entries).
Status SyncToDisk(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot open " + path, errno);
  const int r = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (r != 0) return Status::FromErrno("cannot sync " + path, err);
  return Status::Ok();
}

}  // namespace

Tier TierOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Tier::kFolder;
  return TierOfPath(path);
}

Result<std::string> MoveDownTier(const std::string& source, Tier to,
                                 const ArchiveOptions& options) {
  const Tier from = TierOf(source);
  if (from == Tier::kFolder && TierOfPath(source) != Tier::kFolder) {
    return Status::InvalidArgument(source + " is a folder with an archive's name");
  }
  if (static_cast<int>(to) <= static_cast<int>(from)) {
    return Status::InvalidArgument(
        fmt::format("{} is {}; tiers only go down (hot, warm, archive)", source, TierName(from)));
  }
  const std::string stem = StripSuffix(source, from);
  const std::string dest = stem + TierSuffix(to);
  // The MANIFEST of the source says what the new archive must hold.
  std::string manifest_text;
  if (from == Tier::kFolder) {
    auto text = ReadFile(JoinPath(source, kManifestName));
    if (!text.ok()) return Status::NotFound(source + " has no MANIFEST (not a pix-pack dataset?)");
    manifest_text = std::move(*text);
  } else {
    PIX_ASSIGN_OR_RETURN(ArchiveListing listing, ReadArchive(source));
    if (!listing.has_manifest) return Status::NotFound(source + " holds no MANIFEST");
    manifest_text = std::move(listing.manifest_text);
  }
  const bool exists = ::access(dest.c_str(), F_OK) == 0;
  if (exists) {
    // Another form of the same dataset is there already (a folder and its
    // zip both moved down, or a run killed before it deleted the source):
    // if it holds exactly this MANIFEST and verifies, the source is redundant.
    PIX_ASSIGN_OR_RETURN(ArchiveListing there, ReadArchive(dest));
    if (there.manifest_text != manifest_text) {
      return Status::InvalidArgument(dest + " exists and holds another dataset; move it away");
    }
  } else if (from == Tier::kFolder) {
    PIX_ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(manifest_text, source + "/MANIFEST"));
    std::string prefix = SanitizeFileName(BaseName(stem));
    PIX_RETURN_IF_ERROR(WriteArchiveFromFolder(source, manifest, prefix, to, dest, options));
  } else {
    PIX_RETURN_IF_ERROR(ConvertArchive(source, to, dest, options));
  }
  auto check = VerifyArchive(dest);
  if (!check.ok() || !check->ok()) {
    if (!exists) {
      ::unlink(dest.c_str());
      ::unlink((dest + ".sha256").c_str());
    }
    if (!check.ok()) return check.status();
    return Status::Corruption(fmt::format(
        "{} does not match the MANIFEST ({} missing, {} altered, {} extra); kept {}", dest,
        check->missing.size(), check->altered.size(), check->extra.size(), source));
  }
  // The old form goes next: the new one must be on the disk first, not only
  // in the page cache, or a power cut could lose both.
  PIX_RETURN_IF_ERROR(SyncToDisk(dest));
  PIX_RETURN_IF_ERROR(SyncToDisk(dest + ".sha256"));
  PIX_RETURN_IF_ERROR(SyncToDisk(ParentOf(dest)));
  if (from == Tier::kFolder) {
    PIX_RETURN_IF_ERROR(RemoveTree(source));
  } else {
    if (::unlink(source.c_str()) != 0) return Status::FromErrno("cannot remove " + source, errno);
    ::unlink((source + ".sha256").c_str());
  }
  return dest;
}

Result<std::vector<TierMove>> MoveOlderDown(const std::string& folder, Tier to, time_t cutoff,
                                            const ArchiveOptions& options) {
  PIX_ASSIGN_OR_RETURN(std::vector<std::string> all, ListDir(folder));
  std::vector<std::string> names;
  for (auto& n : all) {
    // Work in progress of pix-pack and of archive writers.
    if (n.find(".pix-tmp-") == std::string::npos && n.find(".tmp-") == std::string::npos) {
      names.push_back(std::move(n));
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<TierMove> moves;
  for (const auto& n : names) {
    const std::string path = JoinPath(folder, n);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || st.st_mtime >= cutoff) continue;
    const Tier tier = TierOf(path);
    if (tier == Tier::kFolder && ::access(JoinPath(path, kManifestName).c_str(), F_OK) != 0) {
      continue;  // not a dataset
    }
    if (tier == Tier::kFolder && !S_ISDIR(st.st_mode)) continue;
    if (static_cast<int>(tier) >= static_cast<int>(to)) continue;
    TierMove move;
    move.from = path;
    auto moved = MoveDownTier(path, to, options);
    if (moved.ok()) {
      move.to = *moved;
    } else {
      move.status = moved.status();
    }
    moves.push_back(std::move(move));
  }
  return moves;
}

std::optional<int64_t> ParseAge(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      unit = 0;
  }
  if (unit)
    text.remove_suffix(1);
  else
    unit = 1;
  if (text.empty() || text.size() > 9) return std::nullopt;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n * unit;
}

}  // namespace pix
