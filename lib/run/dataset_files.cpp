#include "run/dataset_files.h"

#include <fmt/format.h>
#include <zlib.h>

#include <string_view>

#include "base/files.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

constexpr int kPage = 1000;

// Streams items of (stage, state) in seq order into `out`.
Status AppendItems(JobStore& store, int64_t job, const std::string& stage, const std::string& state,
                   AtomicFileWriter& out) {
  int64_t after = -1;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(auto rows, store.ItemsInState(job, stage, state, after, kPage));
    for (const ItemRow& r : rows) {
      if (r.record.empty()) continue;
      PIX_RETURN_IF_ERROR(out.Append(r.record));
      PIX_RETURN_IF_ERROR(out.Append("\n"));
      after = r.seq;
    }
    if (static_cast<int>(rows.size()) < kPage) return Status::Ok();
  }
}

// Writes `path` with `fill` through an AtomicFileWriter (a temporary name,
// then rename; a device or FIFO in place).
template <typename Fn>
Status WriteAtomically(const std::string& path, Fn&& fill) {
  AtomicFileWriter out;
  PIX_RETURN_IF_ERROR(out.Open(path));
  PIX_RETURN_IF_ERROR(fill(out));
  return out.Commit();
}

// gzip (level 6, as gzopen "wb6") of the text appended, into an
// AtomicFileWriter.
class GzipAppender {
 public:
  explicit GzipAppender(AtomicFileWriter& out) : out_(out) {
    ok_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipAppender() {
    if (ok_) deflateEnd(&z_);
  }
  GzipAppender(const GzipAppender&) = delete;
  GzipAppender& operator=(const GzipAppender&) = delete;

  Status Append(std::string_view data) { return Deflate(data, Z_NO_FLUSH); }
  Status Finish() { return Deflate({}, Z_FINISH); }

 private:
  Status Deflate(std::string_view data, int flush) {
    if (!ok_) return Status::Internal("zlib: deflateInit2 failed");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    char buf[1 << 14];
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof(buf);
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("zlib: deflate failed");
      PIX_RETURN_IF_ERROR(out_.Append(std::string_view(buf, sizeof(buf) - z_.avail_out)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z_.avail_out != 0) return Status::Ok();
    }
  }

  AtomicFileWriter& out_;
  z_stream z_{};
  bool ok_ = false;
};

}  // namespace

Status WriteDatasetFiles(JobStore& store, const Plan& plan, int64_t job) {
  const PlannedStage& end = plan.LastRecordStage();
  const std::string last = end.name;
  PIX_RETURN_IF_ERROR(
      WriteAtomically(JoinPath(plan.output_dir, "dataset.jsonl"),
                      [&](AtomicFileWriter& f) { return AppendItems(store, job, last, "ok", f); }));
  PIX_RETURN_IF_ERROR(WriteAtomically(
      JoinPath(plan.output_dir, "duplicates.jsonl"),
      [&](AtomicFileWriter& f) { return AppendItems(store, job, last, "duplicate", f); }));
  // A collecting end stage answered every record, the failures too;
  // otherwise each stage's failures are its own.
  return WriteAtomically(JoinPath(plan.output_dir, "rejected.jsonl"), [&](AtomicFileWriter& f) {
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
  AtomicFileWriter out;
  PIX_RETURN_IF_ERROR(out.Open(path));
  GzipAppender gz(out);
  int64_t after = 0;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(auto rows, store.Events(job, "", "", after, kPage));
    for (const EventRow& e : rows) {
      JsonBuilder b;
      b.BeginObject().Key("at").Double(e.at).Key("stage").String(e.stage);
      b.Key("level").String(e.level).Key("message").String(e.message).EndObject();
      PIX_RETURN_IF_ERROR(gz.Append(b.Take() + "\n"));
      after = e.id;
    }
    if (static_cast<int>(rows.size()) < kPage) break;
  }
  PIX_RETURN_IF_ERROR(gz.Finish());
  return out.Commit();
}

}  // namespace pix
