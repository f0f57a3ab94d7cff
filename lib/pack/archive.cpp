#include "pack/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "base/files.h"
#include "hash/sha256.h"

namespace pix {
namespace {

using ReaderPtr = std::unique_ptr<archive, int (*)(archive*)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

std::string ArchiveError(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  std::string text = what + ": " + (msg ? msg : "libarchive error");
  // libarchive's "Write error" does not say why; the errno does (a full
  // disk, a file size limit).
  if (const int err = archive_errno(a); err > 0) text += std::string(" (") + strerror(err) + ")";
  return text;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<std::unique_ptr<TierWriter>> TierWriter::Open(Tier tier, const std::string& path,
                                                     const ArchiveOptions& options) {
  std::unique_ptr<TierWriter> w(new TierWriter(path, options));
  archive* a = w->a_;
  if (!a) return Status::Internal("archive_write_new failed");
  int r = ARCHIVE_OK;
  switch (tier) {
    case Tier::kFolder:
      r = archive_write_set_format_pax_restricted(a);
      w->sum_beside_ = false;
      break;
    case Tier::kHot:
      r = archive_write_set_format_zip(a);
      if (r == ARCHIVE_OK) r = archive_write_set_options(a, "zip:compression=store");
      break;
    case Tier::kWarm: {
      r = archive_write_set_format_7zip(a);
      const int level = options.level >= 0 ? options.level : 6;
      if (r == ARCHIVE_OK) {
        r = archive_write_set_options(
            a, fmt::format("7zip:compression=lzma2,7zip:compression-level={}", level).c_str());
      }
      break;
    }
    case Tier::kArchive: {
      r = archive_write_set_format_pax_restricted(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_zstd(a);
      const int level = options.level >= 0 ? options.level : 19;
      std::string opts = fmt::format("zstd:compression-level={}", level);
      if (options.threads > 1) opts += fmt::format(",zstd:threads={}", options.threads);
      if (r == ARCHIVE_OK) r = archive_write_set_options(a, opts.c_str());
      break;
    }
  }
  if (r != ARCHIVE_OK) return Status::Internal(ArchiveError(a, "libarchive setup"));
  w->fd_ = ::open(w->temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) return Status::FromErrno("cannot create " + w->temp_, errno);
  // Output goes straight to the file, not through libarchive's 10 KiB
  // blocks (a copy and a write() per block), and the last block is not
  // padded, as libarchive's own file output has it for regular files.
  archive_write_set_bytes_per_block(a, 0);
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open2(a, w.get(), nullptr, &TierWriter::Output, nullptr, nullptr) !=
      ARCHIVE_OK) {
    return Status::IoError(ArchiveError(a, "cannot create " + w->temp_));
  }
  return w;
}

ssize_t TierWriter::Output(archive* a, void* self, const void* data, size_t n) {
  // Writeback is started every this many bytes; 8 MiB keeps the calls rare
  // and the dirty pages few.
  constexpr uint64_t kFlushEvery = 8 << 20;
  auto* w = static_cast<TierWriter*>(self);
  if (const int err = WriteAll(w->fd_, std::string_view(static_cast<const char*>(data), n))) {
    archive_set_error(a, err, "write error");
    return -1;
  }
  w->sha_.Update(data, n);
  w->written_ += n;
  if (w->written_ - w->flushing_ >= kFlushEvery) {
    // Only a hint: an error here (a file system without it) changes nothing.
    (void)::sync_file_range(w->fd_, static_cast<off_t>(w->flushing_),
                            static_cast<off_t>(w->written_ - w->flushing_),
                            SYNC_FILE_RANGE_WRITE);
    w->flushing_ = w->written_;
  }
  return static_cast<ssize_t>(n);
}

TierWriter::TierWriter(std::string path, const ArchiveOptions& options)
    : a_(archive_write_new()),
      path_(std::move(path)),
      temp_(fmt::format("{}.tmp-{}", path_, ::getpid())),
      options_(options) {}

TierWriter::~TierWriter() {
  if (a_) archive_write_free(a_);  // closes, if still open
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

Status TierWriter::Begin(const std::string& path, uint64_t size) {
  EntryPtr e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname_utf8(e.get(), path.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(e.get(), options_.mtime, 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  archive_entry_set_uname(e.get(), "root");
  archive_entry_set_gname(e.get(), "root");
  if (archive_write_header(a_, e.get()) < ARCHIVE_WARN) {
    return Status::IoError(ArchiveError(a_, "cannot write " + temp_));
  }
  return Status::Ok();
}

Status TierWriter::Data(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const la_ssize_t w = archive_write_data(a_, p, n);
    if (w <= 0) return Status::IoError(ArchiveError(a_, "cannot write " + temp_));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status TierWriter::AddFile(const std::string& entry_path, const std::string& file, uint64_t size) {
  PIX_RETURN_IF_ERROR(Begin(entry_path, size));
  uint64_t written = 0;
  Status data_status;
  PIX_RETURN_IF_ERROR(ReadFileChunks(file, [&](std::string_view chunk) {
    if (!data_status.ok()) return;
    written += chunk.size();
    if (written <= size) data_status = Data(chunk.data(), chunk.size());
  }));
  PIX_RETURN_IF_ERROR(data_status);
  if (written != size) {
    return Status::IoError(
        fmt::format("{} changed while archiving ({} bytes, expected {})", file, written, size));
  }
  return Status::Ok();
}

Status TierWriter::Commit() {
  if (archive_write_close(a_) != ARCHIVE_OK) {
    return Status::IoError(ArchiveError(a_, "cannot finish " + temp_));
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return Status::FromErrno("cannot write " + temp_, errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Status::FromErrno("cannot rename " + temp_ + " to " + path_, errno);
  }
  committed_ = true;
  return sum_beside_ ? WriteSha256Beside(path_, sha_.Finish()) : Status::Ok();
}

namespace {

Result<ReaderPtr> OpenReader(const std::string& path) {
  ReaderPtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  archive_read_support_format_7zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_zstd(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status::Corruption(ArchiveError(a.get(), "cannot open archive " + path));
  }
  return a;
}

// Whether an entry path is safe: relative, no "..", no empty components.
bool SafeEntryPath(std::string_view p) {
  if (p.empty() || p[0] == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view part = p.substr(start, slash - start);
    if (part == ".." || part == "." || (part.empty() && slash != p.size())) return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

std::optional<Tier> ParseTier(std::string_view name) {
  if (name == "hot") return Tier::kHot;
  if (name == "warm") return Tier::kWarm;
  if (name == "archive") return Tier::kArchive;
  if (name == "folder") return Tier::kFolder;
  return std::nullopt;
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kHot:
      return "hot";
    case Tier::kWarm:
      return "warm";
    case Tier::kArchive:
      return "archive";
    case Tier::kFolder:
      break;
  }
  return "folder";
}

const char* TierSuffix(Tier tier) {
  switch (tier) {
    case Tier::kHot:
      return ".zip";
    case Tier::kWarm:
      return ".7z";
    case Tier::kArchive:
      return ".tar.zst";
    case Tier::kFolder:
      break;
  }
  return "";
}

Tier TierOfPath(std::string_view path) {
  for (Tier t : {Tier::kHot, Tier::kWarm, Tier::kArchive}) {
    std::string_view suffix = TierSuffix(t);
    if (path.size() > suffix.size() && path.substr(path.size() - suffix.size()) == suffix) return t;
  }
  return Tier::kFolder;
}

std::string ArchivePathFor(const std::string& dir, Tier tier) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d + TierSuffix(tier);
}

Status WriteSha256Beside(const std::string& path, const std::string& sha256) {
  return WriteFileAtomic(path + ".sha256", sha256 + "  " + BaseName(path) + "\n");
}

Status WriteArchiveFromFolder(const std::string& root, const Manifest& manifest,
                              const std::string& prefix, Tier tier, const std::string& dest,
                              const ArchiveOptions& options) {
  PIX_ASSIGN_OR_RETURN(auto w, TierWriter::Open(tier, dest, options));
  const std::string manifest_text = ManifestText(manifest);
  PIX_RETURN_IF_ERROR(w->Begin(prefix + "/" + kManifestName, manifest_text.size()));
  PIX_RETURN_IF_ERROR(w->Data(manifest_text.data(), manifest_text.size()));
  for (const auto& [path, e] : manifest) {
    PIX_RETURN_IF_ERROR(w->AddFile(prefix + "/" + path, JoinPath(root, path), e.size));
  }
  return w->Commit();
}

Status ConvertArchive(const std::string& source, Tier tier, const std::string& dest,
                      const ArchiveOptions& options) {
  PIX_ASSIGN_OR_RETURN(ReaderPtr in, OpenReader(source));
  PIX_ASSIGN_OR_RETURN(auto w, TierWriter::Open(tier, dest, options));
  archive_entry* e = nullptr;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const int r = archive_read_next_header(in.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return Status::Corruption(ArchiveError(in.get(), source));
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* name = archive_entry_pathname_utf8(e);
    if (!name) name = archive_entry_pathname(e);
    if (!name || !SafeEntryPath(name)) {
      return Status::Corruption(
          fmt::format("{}: unsafe entry path '{}'", source, name ? name : ""));
    }
    PIX_RETURN_IF_ERROR(w->Begin(name, static_cast<uint64_t>(archive_entry_size(e))));
    for (;;) {
      const la_ssize_t n = archive_read_data(in.get(), buf.data(), buf.size());
      if (n < 0) return Status::Corruption(ArchiveError(in.get(), source));
      if (n == 0) break;
      PIX_RETURN_IF_ERROR(w->Data(buf.data(), static_cast<size_t>(n)));
    }
  }
  return w->Commit();
}

Result<ArchiveListing> ReadArchive(const std::string& path) {
  PIX_ASSIGN_OR_RETURN(ReaderPtr a, OpenReader(path));
  ArchiveListing out;
  archive_entry* e = nullptr;
  std::vector<char> buf(1 << 16);
  bool first = true;
  for (;;) {
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return Status::Corruption(ArchiveError(a.get(), path));
    const char* raw = archive_entry_pathname_utf8(e);
    if (!raw) raw = archive_entry_pathname(e);
    std::string name = raw ? raw : "";
    if (archive_entry_filetype(e) == AE_IFDIR) continue;
    if (first) {
      out.prefix = name.substr(0, name.find('/'));
      first = false;
    }
    const std::string lead = out.prefix + "/";
    if (archive_entry_filetype(e) != AE_IFREG || !SafeEntryPath(name) ||
        name.compare(0, lead.size(), lead) != 0) {
      out.unsafe.push_back(name);
      continue;
    }
    const std::string rel = name.substr(lead.size());
    Sha256 hash;
    uint64_t size = 0;
    const bool is_manifest = rel == kManifestName;
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) return Status::Corruption(ArchiveError(a.get(), path));
      if (n == 0) break;
      hash.Update(buf.data(), static_cast<size_t>(n));
      size += static_cast<uint64_t>(n);
      if (is_manifest) out.manifest_text.append(buf.data(), static_cast<size_t>(n));
    }
    if (is_manifest) {
      out.has_manifest = true;
    } else {
      out.files[rel] = ManifestEntry{hash.Finish(), size};
    }
  }
  return out;
}

Result<VerifyReport> VerifyArchive(const std::string& path) {
  PIX_ASSIGN_OR_RETURN(ArchiveListing listing, ReadArchive(path));
  if (!listing.has_manifest) {
    return Status::NotFound(path + " holds no MANIFEST (not a pix-pack archive?)");
  }
  PIX_ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(listing.manifest_text, path + ":MANIFEST"));
  VerifyReport r = CompareWithManifest(manifest, listing.files);
  for (auto& u : listing.unsafe) r.extra.push_back(std::move(u));
  return r;
}

}  // namespace pix
