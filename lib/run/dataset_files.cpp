#include "run/dataset_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include "base/files.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

constexpr int kPage = 1000;

// Streams items of (stage, state) in seq order into `out`.
Status AppendItems(JobStore& store, int64_t job, const std::string& stage,
                   const std::string& state, std::FILE* out) {
  int64_t after = -1;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(auto rows, store.ItemsInState(job, stage, state, after, kPage));
    for (const ItemRow& r : rows) {
      if (r.record.empty()) continue;
      std::fwrite(r.record.data(), 1, r.record.size(), out);
      std::fputc('\n', out);
      after = r.seq;
    }
    if (static_cast<int>(rows.size()) < kPage) return Status::Ok();
  }
}

// Writes `path` through a temporary name with `fill`.
template <typename Fn>
Status WriteAtomically(const std::string& path, Fn&& fill) {
  const std::string temp = fmt::format("{}.tmp-{}", path, ::getpid());
  std::FILE* out = std::fopen(temp.c_str(), "w");
  if (!out) return Status::FromErrno(temp, errno);
  Status s = fill(out);
  const bool write_error = std::ferror(out) != 0;
  if (std::fclose(out) != 0 || write_error) s = Status::FromErrno(temp, errno);
  if (s.ok() && std::rename(temp.c_str(), path.c_str()) != 0) s = Status::FromErrno(path, errno);
  if (!s.ok()) std::remove(temp.c_str());
  return s;
}

}  // namespace

Status WriteDatasetFiles(JobStore& store, const Plan& plan, int64_t job) {
  const PlannedStage& end = plan.LastRecordStage();
  const std::string last = end.name;
  PIX_RETURN_IF_ERROR(WriteAtomically(JoinPath(plan.output_dir, "dataset.jsonl"), [&](std::FILE* f) {
    return AppendItems(store, job, last, "ok", f);
  }));
  PIX_RETURN_IF_ERROR(
      WriteAtomically(JoinPath(plan.output_dir, "duplicates.jsonl"), [&](std::FILE* f) {
        return AppendItems(store, job, last, "duplicate", f);
      }));
  // A collecting end stage answered every record, the failures too;
  // otherwise each stage's failures are its own.
  return WriteAtomically(JoinPath(plan.output_dir, "rejected.jsonl"), [&](std::FILE* f) {
    for (const PlannedStage& stage : plan.stages) {
      if (stage.sink || (end.feed == FeedKind::kCollect && stage.name != last)) continue;
      for (const char* state : {"failed", "rejected", "lost"}) {
        PIX_RETURN_IF_ERROR(AppendItems(store, job, stage.name, state, f));
      }
    }
    return Status::Ok();
  });
}

Status ArchiveEvents(JobStore& store, const Plan& plan, int64_t job) {
  const std::string dir = JoinPath(plan.output_dir, "logs");
  PIX_RETURN_IF_ERROR(MakeDirs(dir));
  const std::string path = JoinPath(dir, fmt::format("job-{}.events.jsonl.gz", job));
  const std::string temp = fmt::format("{}.tmp-{}", path, ::getpid());
  gzFile gz = gzopen(temp.c_str(), "wb6");
  if (!gz) return Status::IoError(temp + ": cannot open for writing");
  int64_t after = 0;
  Status s;
  for (;;) {
    auto rows = store.Events(job, "", "", after, kPage);
    if (!rows.ok()) {
      s = rows.status();
      break;
    }
    for (const EventRow& e : *rows) {
      JsonBuilder b;
      b.BeginObject().Key("at").Double(e.at).Key("stage").String(e.stage);
      b.Key("level").String(e.level).Key("message").String(e.message).EndObject();
      std::string line = b.Take() + "\n";
      if (gzwrite(gz, line.data(), static_cast<unsigned>(line.size())) <= 0) {
        s = Status::IoError(temp + ": write failed");
      }
      after = e.id;
    }
    if (!s.ok() || static_cast<int>(rows->size()) < kPage) break;
  }
  if (gzclose(gz) != Z_OK && s.ok()) s = Status::IoError(temp + ": write failed");
  if (s.ok() && std::rename(temp.c_str(), path.c_str()) != 0) s = Status::FromErrno(path, errno);
  if (!s.ok()) std::remove(temp.c_str());
  return s;
}

}  // namespace pix
