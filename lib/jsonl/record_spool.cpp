#include "jsonl/record_spool.h"

#include <utility>

namespace pix {
namespace {

constexpr size_t kBuffer = 1 << 20;

}  // namespace

Result<std::unique_ptr<RecordSpool>> RecordSpool::Create(const std::string& dir) {
  PIX_ASSIGN_OR_RETURN(ByteSpill file, ByteSpill::Create(dir, "pix-spool-"));
  return std::unique_ptr<RecordSpool>(new RecordSpool(std::move(file)));
}

Status RecordSpool::Append(std::string_view line) {
  PIX_RETURN_IF_ERROR(file_.Append(line.data(), line.size()));
  return file_.Append("\n", 1);
}

Status RecordSpool::Rewind() {
  PIX_RETURN_IF_ERROR(file_.Rewind());
  eof_ = false;
  buf_.clear();
  pos_ = 0;
  return Status::Ok();
}

Result<bool> RecordSpool::Next(std::string* line) {
  for (;;) {
    const size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      line->assign(buf_, pos_, nl - pos_);
      pos_ = nl + 1;
      return true;
    }
    if (eof_) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    const size_t old = buf_.size();
    buf_.resize(old + kBuffer);
    PIX_ASSIGN_OR_RETURN(const size_t n, file_.Read(buf_.data() + old, kBuffer));
    buf_.resize(old + n);
    if (n == 0) eof_ = true;
  }
}

Status ForEachSpooledRecord(RecordSpool& spool, size_t skip, size_t count,
                            const std::function<Status(size_t i, Record& record)>& each) {
  std::string line;
  for (size_t i = 0; i < count; ++i) {
    PIX_ASSIGN_OR_RETURN(const bool more, spool.Next(&line));
    if (!more) return Status::Internal("spool ended early");
    if (i < skip) continue;
    Record record = Record::ParseTrusted(line);
    PIX_RETURN_IF_ERROR(each(i, record));
  }
  return Status::Ok();
}

}  // namespace pix
