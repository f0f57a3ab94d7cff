#include "pack/packer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/file_names.h"
#include "base/files.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "hash/sha256.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "jsonl/record_spool.h"
#include "pack/admission.h"
#include "pack/dataset_stats.h"
#include "pack/label_files.h"
#include "pack/layout.h"
#include "pack/manifest.h"
#include "pack/tree.h"
#include "pack/webdataset.h"

namespace pix {
namespace {

struct DatasetPaths {
  std::string out;      // as given, without trailing '/'
  std::string parent;   // its folder
  std::string name;     // its last component
  std::string staging;  // where this run builds the new version
};

Result<DatasetPaths> ResolvePaths(const std::string& dir) {
  DatasetPaths p;
  p.out = dir;
  while (p.out.size() > 1 && p.out.back() == '/') p.out.pop_back();
  const size_t slash = p.out.rfind('/');
  p.parent = slash == std::string::npos ? "." : slash == 0 ? "/" : p.out.substr(0, slash);
  p.name = slash == std::string::npos ? p.out : p.out.substr(slash + 1);
  if (p.name.empty() || p.name == "." || p.name == ".." || p.name == "/") {
    return Status::InvalidArgument("-o: name the dataset folder (got '" + dir + "')");
  }
  p.staging = JoinPath(p.parent, fmt::format("{}.pix-tmp-{}", p.name, ::getpid()));
  return p;
}

// Holds an exclusive flock on the parent folder for the run.
class ParentLock {
 public:
  ~ParentLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Take(const std::string& parent) {
    fd_ = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return Status::FromErrno("cannot open " + parent, errno);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        return Status::IoError("another pix-pack is writing a dataset in " + parent +
                               "; run one at a time per folder");
      }
      return Status::FromErrno("cannot lock " + parent, errno);
    }
    return Status::Ok();
  }

 private:
  int fd_ = -1;
};

// Leftovers of runs that were killed: NAME.pix-tmp-* and NAME.pix-old-*.
Status RemoveLeftovers(const DatasetPaths& p) {
  PIX_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(p.parent));
  const std::string tmp = p.name + ".pix-tmp-", old = p.name + ".pix-old-";
  for (const auto& n : names) {
    if (n.rfind(tmp, 0) == 0 || n.rfind(old, 0) == 0) {
      PIX_RETURN_IF_ERROR(RemoveTree(JoinPath(p.parent, n)));
    }
  }
  return Status::Ok();
}

bool IsEmptyDir(const std::string& dir) {
  auto names = ListDir(dir);
  return names.ok() && names->empty();
}

std::string ResolveSource(const std::string& base, const std::string& path) {
  if (base.empty() || (!path.empty() && path[0] == '/')) return path;
  return JoinPath(base, path);
}

// Whether two versions of a dataset hold the same content: the same files
// with the same digests, except the files that describe the run that made a
// version (its counts and its date), which only have to be present in both.
bool SameContent(const Manifest& a, const Manifest& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (i->first != j->first) return false;
    const bool describes_run =
        i->first == "metadata.json" || i->first == "report.json" || i->first == "report.html";
    if (!describes_run && (i->second.sha256 != j->second.sha256 || i->second.size != j->second.size)) {
      return false;
    }
  }
  return true;
}

// The folder component of an entry path: "train/cat/x.jpg" -> "cat".
std::string FolderOf(const PackEntry& e) {
  std::string_view p = e.path;
  if (!e.split.empty()) p = p.substr(std::min(p.size(), e.split.size() + 1));
  return std::string(p.substr(0, p.find('/')));
}

class PackRun {
 public:
  PackRun(const PackOptions& options, DatasetPaths paths, SplitPlan plan)
      : options_(options), paths_(std::move(paths)), plan_(std::move(plan)) {}

  Status Adopt(std::vector<PackEntry> existing) {
    for (auto& e : existing) {
      if (!folders_.Adopt(e.label, FolderOf(e))) {
        return Status::Corruption(
            fmt::format("{}/labels.json: label '{}' and another share folder '{}'", paths_.out,
                        e.label, FolderOf(e)));
      }
      const size_t slash = e.path.rfind('/');
      namer_.Take(e.path.substr(0, slash), e.path.substr(slash + 1));
      if (!e.cluster.empty()) cluster_split_.emplace(e.cluster, e.split);
      by_sha_.emplace(e.source_sha256.empty() ? e.sha256 : e.source_sha256, entries_.size());
      entries_.push_back(std::move(e));
    }
    return Status::Ok();
  }

  Status Add(Record& record) {
    counts_.Count(record);
    if (auto verdict = CheckAdmission(record)) {
      Reject(record, verdict->reason, verdict->detail);
      return Status::Ok();
    }
    PackEntry e = EntryFromRecord(record);
    const std::string source = ResolveSource(options_.base_dir, *record.GetString(field::kPath));
    const std::string expected = e.sha256;
    if (e.sha256.empty()) {
      auto sha = Sha256File(source);
      if (!sha.ok()) {
        if (::access(source.c_str(), F_OK) != 0) return Fault(record, "missing_file", source);
        return sha.status();
      }
      e.sha256 = *sha;
    }
    if (auto it = by_sha_.find(e.sha256); it != by_sha_.end()) {
      ++counts_.already_present;
      const PackEntry& have = entries_[it->second];
      record.SetString(field::kDatasetPath, have.path);
      if (!have.split.empty()) record.SetString(field::kSplit, have.split);
      return Status::Ok();
    }
    if (!plan_.empty()) {
      auto c = e.cluster.empty() ? cluster_split_.end() : cluster_split_.find(e.cluster);
      e.split = c != cluster_split_.end() ? c->second : plan_.Assign(e.sha256);
    }
    const std::string& folder = folders_.FolderFor(e.label);
    const std::string dir = e.split.empty() ? folder : e.split + "/" + folder;
    if (made_dirs_.insert(dir).second) PIX_RETURN_IF_ERROR(MakeDirs(JoinPath(paths_.staging, dir)));
    if (options_.normalize.active()) {
      PIX_RETURN_IF_ERROR(PlaceNormalized(record, source, expected, dir, &e));
      if (HasRecordError(record)) return Status::Ok();
    } else {
      const std::string name = namer_.NameFor(dir, e.url, e.sha256, ExtensionFor(e.format, source));
      e.path = dir + "/" + name;
      PIX_ASSIGN_OR_RETURN(PlaceOutcome placed, PlaceFile(source, JoinPath(paths_.staging, e.path),
                                                          expected, options_.place));
      if (placed.kind == PlaceOutcome::kMissing) return Fault(record, "missing_file", source);
      if (placed.kind == PlaceOutcome::kChanged) {
        return Fault(record, "changed_file",
                     fmt::format("{} now has sha256 {}, not {}", source, placed.sha256, expected));
      }
      e.bytes = placed.bytes;
    }
    e.added = options_.now;
    if (!e.cluster.empty()) cluster_split_.emplace(e.cluster, e.split);
    by_sha_.emplace(e.source_sha256.empty() ? e.sha256 : e.source_sha256, entries_.size());
    record.SetString(field::kDatasetPath, e.path);
    if (!e.split.empty()) record.SetString(field::kSplit, e.split);
    entries_.push_back(std::move(e));
    ++counts_.packed;
    if (options_.move) moved_sources_.push_back(source);
    return Status::Ok();
  }

  // Writes every generated file, the MANIFEST, and swaps the new version in.
  Status Commit(bool existed) {
    SortEntriesByPath();
    const std::string& root = paths_.staging;
    const std::string name = options_.name.empty() ? paths_.name : options_.name;
    // Labels whose every image faulted have a folder but no image: an empty
    // class folder breaks ImageFolder, so they go, and the class list only
    // names labels with images.
    for (auto it = made_dirs_.rbegin(); it != made_dirs_.rend(); ++it) {
      if (::rmdir(JoinPath(root, *it).c_str()) == 0) {
        const size_t slash = it->find('/');
        if (slash != std::string::npos) ::rmdir(JoinPath(root, it->substr(0, slash)).c_str());
      }
    }
    for (const auto& e : entries_) used_folders_[e.label] = folders_.FolderFor(e.label);
    // The label files are streamed: at 100,000 images they are tens of
    // megabytes each, and building them whole doubled the run's memory.
    const std::pair<const char*, Status (*)(const std::vector<PackEntry>&, const TextSink&)>
        label_files[] = {{"labels.json", WriteLabelsJson},
                         {"labels.csv", WriteLabelsCsv},
                         {"labels.yaml", WriteLabelsYaml},
                         {"labels.txt", WriteLabelsTxt}};
    for (const auto& [file, write] : label_files) {
      PIX_RETURN_IF_ERROR(WriteStreamed(
          file, [&, write = write](const TextSink& out) { return write(entries_, out); }));
    }
    PIX_RETURN_IF_ERROR(Write("classes.txt", ClassesTxt(used_folders_)));
    for (const std::string& split : MetadataJsonlFolders(entries_)) {
      if (!split.empty()) PIX_RETURN_IF_ERROR(MakeDirs(JoinPath(root, split)));
      PIX_RETURN_IF_ERROR(WriteStreamed(
          split.empty() ? "metadata.jsonl" : split + "/metadata.jsonl",
          [&](const TextSink& out) { return WriteMetadataJsonl(entries_, split, out); }));
    }
    PIX_RETURN_IF_ERROR(WriteStreamed("ATTRIBUTION.md", [&](const TextSink& out) {
      return WriteAttributionMd(entries_, name, out);
    }));
    PIX_RETURN_IF_ERROR(Write(
        "metadata.json", DatasetStatsJson(entries_, used_folders_, counts_, name, options_.now)));
    if (options_.report) {
      ReportInput in{name, options_.now, root, &entries_, &rejected_, &used_folders_, &counts_};
      PIX_RETURN_IF_ERROR(Write("report.json", ReportJson(in)));
      PIX_RETURN_IF_ERROR(Write("report.html", ReportHtml(in, options_.report_options)));
    }
    PIX_RETURN_IF_ERROR(WriteShards(name));
    PIX_ASSIGN_OR_RETURN(manifest_, BuildManifest());
    PIX_RETURN_IF_ERROR(WriteStreamed(
        kManifestName, [&](const TextSink& out) { return WriteManifest(manifest_, out); }));
    if (InterruptRequested()) return Status::Interrupted();
    if (existed) {
      // Packing the same records again (a Makefile's second `make`, or a
      // pix-run resumed after its pack had committed) leaves the dataset as
      // it was, byte for byte: a new version that differs only in the run's
      // own counts and dates is not made.
      auto text = ReadFile(JoinPath(paths_.out, kManifestName));
      if (text.ok()) {
        auto previous = ParseManifest(*text, JoinPath(paths_.out, kManifestName));
        if (previous.ok() && SameContent(*previous, manifest_)) {
          manifest_ = std::move(previous).value();
          unchanged_ = true;
          return Status::Ok();
        }
      }
    }
    // The swap: from here on OUT is the new version.
    if (existed) {
      Status swapped = ExchangePaths(root, paths_.out);
      if (!swapped.ok()) {
        // File systems without RENAME_EXCHANGE: two renames; OUT is briefly
        // absent, never partial.
        const std::string old =
            JoinPath(paths_.parent, fmt::format("{}.pix-old-{}", paths_.name, ::getpid()));
        if (::rename(paths_.out.c_str(), old.c_str()) != 0) {
          return Status::FromErrno("cannot replace " + paths_.out, errno);
        }
        if (::rename(root.c_str(), paths_.out.c_str()) != 0) {
          const int err = errno;
          (void)::rename(old.c_str(), paths_.out.c_str());
          return Status::FromErrno("cannot replace " + paths_.out, err);
        }
        PIX_RETURN_IF_ERROR(RemoveTree(old));
      } else {
        PIX_RETURN_IF_ERROR(RemoveTree(root));  // now the previous version
      }
    } else {
      ::rmdir(paths_.out.c_str());  // an empty folder the user made
      if (::rename(root.c_str(), paths_.out.c_str()) != 0) {
        return Status::FromErrno("cannot rename " + root + " to " + paths_.out, errno);
      }
    }
    committed_ = true;
    for (const auto& source : moved_sources_) ::unlink(source.c_str());
    return Status::Ok();
  }

  const RunCounts& counts() const { return counts_; }
  size_t images() const { return entries_.size(); }
  const Manifest& manifest() const { return manifest_; }
  bool committed() const { return committed_; }
  // Committed nothing because the new version had the same content.
  bool unchanged() const { return unchanged_; }
  std::string name() const { return options_.name.empty() ? paths_.name : options_.name; }

 private:
  Status Write(const std::string& rel, const std::string& text) {
    return WriteStreamed(rel, [&](const TextSink& out) { return out(text); });
  }

  // Sorts entries_ by path: the order is decided on indices and applied by
  // swapping along the permutation's cycles, since moving whole entries
  // around in std::sort costs more than the comparisons.
  void SortEntriesByPath() {
    std::vector<size_t> order(entries_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return entries_[a].path < entries_[b].path; });
    // order[i] is the entry that belongs at i.
    for (size_t i = 0; i < order.size(); ++i) {
      size_t at = i;
      while (order[at] != i) {
        const size_t from = order[at];
        std::swap(entries_[at], entries_[from]);
        order[at] = at;
        at = from;
      }
      order[at] = at;
    }
  }

  // Writes a generated file through `write`, hashing it on the way so the
  // MANIFEST need not read it back.
  Status WriteStreamed(const std::string& rel,
                       const std::function<Status(const TextSink&)>& write) {
    const std::string path = JoinPath(paths_.staging, rel);
    ::unlink(path.c_str());  // a hard link to the previous version's file
    AtomicFileWriter file;
    PIX_RETURN_IF_ERROR(file.Open(path));
    Sha256 hash;
    PIX_RETURN_IF_ERROR(write([&](std::string_view text) {
      hash.Update(text);
      return file.Append(text);
    }));
    const uint64_t size = file.size();
    PIX_RETURN_IF_ERROR(file.Commit());
    generated_[rel] = ManifestEntry{hash.Finish(), size};
    return Status::Ok();
  }

  void Reject(Record& record, const std::string& reason, const std::string& detail) {
    ++counts_.rejected[reason];
    RejectedRecord r;
    r.reason = reason;
    r.detail = detail;
    r.label = record.GetString(field::kLabel).value_or("");
    r.url = record.GetString(field::kUrl).value_or("");
    if (auto p = record.GetString(field::kPath))
      r.source_path = ResolveSource(options_.base_dir, *p);
    r.sha256 = record.GetString(field::kSha256).value_or("");
    if (reason == "duplicate") r.dup_of = detail;
    rejected_.push_back(std::move(r));
    JsonBuilder j;
    j.BeginObject().Key("reason").String(reason);
    if (!detail.empty()) j.Key("detail").String(detail);
    j.EndObject();
    record.SetRaw("pack_reject", j.str());
  }

  Status Fault(Record& record, const std::string& code, const std::string& message) {
    ++counts_.faults;
    Reject(record, code, message);
    record.Remove("pack_reject");
    SetRecordError(&record, "pack", code,
                   code == "missing_file" ? "file not found: " + message : message);
    return Status::Ok();
  }

  // Re-encodes the source into the dataset (after checking it is the file
  // the record describes). A picture that cannot be re-encoded is a fault.
  Status PlaceNormalized(Record& record, const std::string& source, const std::string& expected,
                         const std::string& dir, PackEntry* e) {
    if (::access(source.c_str(), F_OK) != 0) return Fault(record, "missing_file", source);
    PIX_ASSIGN_OR_RETURN(std::string bytes, ReadFile(source));
    const std::string actual = Sha256Hex(bytes);
    if (!expected.empty() && actual != expected) {
      return Fault(record, "changed_file",
                   fmt::format("{} now has sha256 {}, not {}", source, actual, expected));
    }
    auto image = NormalizeImage(bytes, options_.normalize);
    if (!image.ok())
      return Fault(record, "reencode_failed", source + ": " + image.status().message());
    e->source_sha256 = actual;
    e->sha256 = Sha256Hex(image->bytes);
    e->bytes = image->bytes.size();
    e->format = image->format;
    e->width = image->width;
    e->height = image->height;
    e->path = dir + "/" + namer_.NameFor(dir, e->url, actual, ExtensionFor(e->format, ""));
    const std::string dest = JoinPath(paths_.staging, e->path);
    return WriteFileAtomic(dest, image->bytes);
  }

  // Shards are derived from the entries: the previous version's are
  // dropped (from the new version only) and written again when asked for.
  Status WriteShards(const std::string& name) {
    PIX_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(paths_.staging));
    for (const std::string& n : names) {
      // NAME-000000.tar, NAME-train-000000.tar
      if (n.size() > 11 && n.compare(n.size() - 4, 4, ".tar") == 0 && n[n.size() - 11] == '-' &&
          n.substr(n.size() - 10, 6).find_first_not_of("0123456789") == std::string::npos) {
        ::unlink(JoinPath(paths_.staging, n).c_str());
      }
    }
    if (options_.webdataset_shard_size == 0) return Status::Ok();
    std::vector<std::pair<std::string, std::string>> by_folder;
    for (const auto& [label, folder] : used_folders_) by_folder.emplace_back(folder, label);
    std::sort(by_folder.begin(), by_folder.end());
    std::map<std::string, int> class_index;
    for (size_t i = 0; i < by_folder.size(); ++i) {
      class_index[by_folder[i].second] = static_cast<int>(i);
    }
    return WriteWebDataset(paths_.staging, entries_, class_index, SanitizeFileName(name),
                           options_.webdataset_shard_size)
        .status();
  }

  // Size and digest of every file in the new version: images from their
  // entries (hashed when placed), everything else hashed now.
  Result<Manifest> BuildManifest() {
    std::unordered_map<std::string_view, const PackEntry*> by_path;
    for (const auto& e : entries_) by_path.emplace(e.path, &e);
    std::vector<std::string> files;
    PIX_RETURN_IF_ERROR(ListFiles(paths_.staging, &files));
    Manifest m;
    for (const auto& rel : files) {
      // An image is listed as its entry says: this run hashed it when it
      // placed it, or the previous version's MANIFEST vouched for it (an
      // image altered since then stays listed as it was, so verify finds it).
      // No stat per image: one path lookup less for each.
      auto it = by_path.find(rel);
      if (it != by_path.end()) {
        m[rel] = ManifestEntry{it->second->sha256, it->second->bytes};
        continue;
      }
      const std::string full = JoinPath(paths_.staging, rel);
      struct stat st;
      if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      auto gen = generated_.find(rel);
      if (gen != generated_.end() && gen->second.size == static_cast<uint64_t>(st.st_size)) {
        m[rel] = gen->second;
        continue;
      }
      ManifestEntry e;
      PIX_ASSIGN_OR_RETURN(e.sha256, Sha256File(full, &e.size));
      m[rel] = e;
    }
    return m;
  }

  const PackOptions& options_;
  DatasetPaths paths_;
  SplitPlan plan_;
  std::vector<PackEntry> entries_;
  std::unordered_map<std::string, size_t> by_sha_;
  std::unordered_map<std::string, std::string> cluster_split_;
  LabelFolders folders_;
  std::map<std::string, std::string> used_folders_;  // labels with images -> folder
  FileNamer namer_;
  std::set<std::string> made_dirs_;
  std::vector<RejectedRecord> rejected_;
  std::vector<std::string> moved_sources_;
  RunCounts counts_;
  Manifest manifest_;
  Manifest generated_;  // files this run wrote, hashed as they were written
  bool committed_ = false;
  bool unchanged_ = false;
};

// Removes the staging folder unless the run committed it.
struct StagingGuard {
  std::string path;
  const PackRun* run;
  ~StagingGuard() {
    if (!run->committed()) (void)RemoveTree(path);
  }
};

// With --records, what a record says of itself (its dataset_path) is true
// only once the new version of the dataset is in place, so the records wait
// in a spool until the commit. If the run stops first, the ones that would
// have been packed are written with an "interrupted" error instead of a path
// into a dataset that was never written; the rest (left out, with their
// reason) are written as they are. Without an output records are only
// counted, as they come.
class HeldRecords {
 public:
  explicit HeldRecords(StageIo& io) : io_(io) {}

  Status Open(const std::string& dir) {
    if (!io_.has_output()) return Status::Ok();
    PIX_ASSIGN_OR_RETURN(spool_, RecordSpool::Create(dir));
    return Status::Ok();
  }

  Status Take(const Record& record) {
    if (!spool_) return io_.Consume(record);
    line_.clear();
    record.AppendJson(&line_);
    ++count_;
    return spool_->Append(line_);
  }

  // The dataset is in place: every record as it is.
  Status Release() {
    return Replay([&](size_t, Record& record) { return io_.Consume(record); });
  }

  // The dataset was left as it was because of `why`.
  void Abandon(const Status& why) {
    if (why.code() == StatusCode::kBrokenPipe) return;
    const std::string message =
        "the stage stopped before the dataset was written: " + why.message();
    (void)Replay([&](size_t, Record& record) {
      if (!record.Raw(field::kDatasetPath)) return io_.Consume(record);
      record.Remove(field::kDatasetPath);
      record.Remove(field::kSplit);
      SetRecordError(&record, io_.stage(), "interrupted", message);
      return io_.Write(record);
    });
  }

 private:
  Status Replay(const std::function<Status(size_t, Record&)>& each) {
    if (!spool_ || count_ == 0) return Status::Ok();
    PIX_RETURN_IF_ERROR(spool_->Rewind());
    const size_t count = std::exchange(count_, 0);  // each record is written once
    return ForEachSpooledRecord(*spool_, 0, count, each);
  }

  StageIo& io_;
  std::unique_ptr<RecordSpool> spool_;
  size_t count_ = 0;
  std::string line_;
};

// Packs; `*committed` says whether the new version of the dataset was
// swapped in (an error after that is the archive's).
Result<PackSummary> Pack(const PackOptions& options, StageIo& io, bool* committed) {
  PIX_ASSIGN_OR_RETURN(DatasetPaths paths, ResolvePaths(options.output_dir));
  PIX_ASSIGN_OR_RETURN(SplitPlan plan, SplitPlan::Parse(options.split));
  PIX_RETURN_IF_ERROR(MakeDirs(paths.parent));
  ParentLock lock;
  PIX_RETURN_IF_ERROR(lock.Take(paths.parent));
  PIX_RETURN_IF_ERROR(RemoveLeftovers(paths));

  // What is there already.
  bool existed = false;
  std::vector<PackEntry> existing;
  struct stat st;
  if (::stat(paths.out.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(paths.out + " exists and is not a folder");
    }
    const std::string labels = JoinPath(paths.out, "labels.json");
    if (::access(labels.c_str(), F_OK) == 0) {
      PIX_ASSIGN_OR_RETURN(existing, ReadLabelsJson(labels));
      existed = true;
    } else if (!IsEmptyDir(paths.out)) {
      return Status::InvalidArgument(paths.out +
                                     " exists and is not a pix-pack dataset (no labels.json); "
                                     "give a new or empty folder");
    }
  }
  if (!existing.empty() && existing.front().split.empty() != plan.empty()) {
    return Status::InvalidArgument(
        fmt::format("{} was packed {} --split; pack into it the same way or use a new folder",
                    paths.out, plan.empty() ? "with" : "without"));
  }

  if (::mkdir(paths.staging.c_str(), 0755) != 0) {
    return Status::FromErrno("cannot create " + paths.staging, errno);
  }
  PackRun run(options, paths, std::move(plan));
  StagingGuard guard{paths.staging, &run};
  if (existed) PIX_RETURN_IF_ERROR(LinkTree(paths.out, paths.staging));
  PIX_RETURN_IF_ERROR(run.Adopt(std::move(existing)));

  HeldRecords held(io);
  PIX_RETURN_IF_ERROR(held.Open(paths.parent));
  const Status filled = [&]() -> Status {
    for (;;) {
      if (InterruptRequested()) return Status::Interrupted();
      PIX_ASSIGN_OR_RETURN(std::optional<Record> next, io.Read());
      if (!next) break;
      if (Status added = run.Add(*next); !added.ok()) {
        (void)held.Take(*next);  // written with the others, as not packed
        return added;
      }
      PIX_RETURN_IF_ERROR(held.Take(*next));
      const RunCounts& c = run.counts();
      io.terminal().Progress(fmt::format("{} read, {} added, {} present, {} turned away", c.found,
                                         c.packed, c.already_present,
                                         c.found - c.packed - c.already_present));
    }
    return run.Commit(existed);
  }();
  if (!filled.ok()) {
    held.Abandon(filled);
    return filled;
  }
  *committed = true;
  PIX_RETURN_IF_ERROR(held.Release());

  PackSummary summary;
  summary.counts = run.counts();
  summary.images = run.images();
  summary.unchanged = run.unchanged();
  if (options.tier && *options.tier != Tier::kFolder) {
    summary.archive_path = ArchivePathFor(paths.out, *options.tier);
    PIX_RETURN_IF_ERROR(WriteArchiveFromFolder(paths.out, run.manifest(),
                                               SanitizeFileName(run.name()), *options.tier,
                                               summary.archive_path, options.archive));
  }
  return summary;
}

}  // namespace

int RunPack(const PackOptions& options, StageIo& io) {
  bool committed = false;
  auto summary = Pack(options, io, &committed);
  if (!summary.ok()) {
    Status status = summary.status();
    if (status.code() != StatusCode::kBrokenPipe) {
      status = Status(status.code(),
                      status.message() + (committed ? " (the dataset was written)"
                                                    : " (the dataset was left as it was)"));
    }
    return io.Finish(status);
  }
  const RunCounts& c = summary->counts;
  uint64_t left_out = 0;
  std::string reasons;
  for (const auto& [reason, n] : c.rejected) {
    left_out += n;
    reasons += fmt::format("{}{}: {}", reasons.empty() ? " (" : ", ", reason, n);
  }
  if (!reasons.empty()) reasons += ")";
  io.SetStat("added", static_cast<double>(c.packed));
  io.SetStat("already_present", static_cast<double>(c.already_present));
  io.SetStat("left_out", static_cast<double>(left_out));
  io.SetStat("images", static_cast<double>(summary->images));
  std::string text = fmt::format("{} added, {} already present, {} left out{}; {} has {}", c.packed,
                                 c.already_present, left_out, reasons, options.output_dir,
                                 Counted(summary->images, "image", "images"));
  if (summary->unchanged) text += " (unchanged: nothing new to write)";
  if (!summary->archive_path.empty()) text += "; wrote " + summary->archive_path;
  return io.Finish(Status::Ok(), text);
}

}  // namespace pix
