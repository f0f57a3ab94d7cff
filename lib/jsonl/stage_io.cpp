#include "jsonl/stage_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "base/exit_code.h"
#include "base/signals.h"

namespace pix {
namespace {

// The "stage" and "code" of a record's error object, if any.
struct ErrorInfo {
  std::string stage;
  std::string code;
};

std::optional<ErrorInfo> ReadError(const Record& record) {
  auto raw = record.Raw("error");
  if (!raw || *raw == "null") return std::nullopt;
  ErrorInfo info;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(raw->data(), raw->size()).get(e)) return info;
  std::string_view s;
  if (!e["stage"].get(s)) info.stage = s;
  if (!e["code"].get(s)) info.code = s;
  return info;
}

}  // namespace

Result<std::unique_ptr<StageIo>> StageIo::Open(std::string stage, const CommonOptions& options,
                                               Terminal* terminal) {
  std::unique_ptr<StageIo> io(new StageIo());
  io->stage_ = std::move(stage);
  io->terminal_ = terminal;
  PIX_ASSIGN_OR_RETURN(io->reader_, RecordReader::Open(options.input, options.reader_options()));
  PIX_ASSIGN_OR_RETURN(io->writer_, RecordWriter::Open(options.output, options.line_buffering()));
  return io;
}

Result<std::optional<Record>> StageIo::Read() {
  auto next = reader_->Next();
  if (next.ok() && next->has_value()) ++counters_.read;
  return next;
}

StageIo::~StageIo() { StopReadAhead(); }

void StageIo::StartReadAhead(size_t capacity, std::function<void()> on_ready) {
  ahead_capacity_ = std::max<size_t>(capacity, 1);
  if (::pipe2(cancel_pipe_, O_CLOEXEC) == 0) reader_->SetCancelFd(cancel_pipe_[0]);
  read_thread_ = std::thread([this, on_ready = std::move(on_ready)] {
    for (;;) {
      auto next = reader_->Next();
      const bool last = !next.ok() || !next->has_value();
      bool was_empty = false;
      {
        std::unique_lock lock(mutex_);
        // When the queue is full, wait until it is half empty: waking this
        // thread for every record taken costs two context switches each.
        if (ahead_.size() >= ahead_capacity_) {
          space_.wait(lock, [this] { return stop_ || ahead_.size() <= ahead_capacity_ / 2; });
        }
        if (stop_) return;
        was_empty = ahead_.empty();
        ahead_.push_back(std::move(next));
      }
      // The consumer takes everything queued each time it looks, so only the
      // first record after it emptied the queue needs to wake it.
      if (was_empty) on_ready();
      if (last) return;
    }
  });
}

void StageIo::StopReadAhead() {
  if (!read_thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  space_.notify_all();
  if (cancel_pipe_[1] >= 0) (void)!::write(cancel_pipe_[1], "x", 1);
  read_thread_.join();
  for (int& fd : cancel_pipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

Result<StageIo::ReadState> StageIo::TryRead(Record* record) {
  if (input_ended_) return ReadState::kEnd;
  Result<std::optional<Record>> next = std::optional<Record>();
  bool half_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (ahead_.empty()) return ReadState::kNone;
    next = std::move(ahead_.front());
    ahead_.pop_front();
    half_empty = ahead_.size() == ahead_capacity_ / 2;
  }
  if (half_empty) space_.notify_one();
  if (!next.ok()) {
    input_ended_ = true;
    return next.status();
  }
  if (!next->has_value()) {
    input_ended_ = true;
    return ReadState::kEnd;
  }
  ++counters_.read;
  *record = std::move(**next);
  return ReadState::kRecord;
}

Status StageIo::Write(const Record& record) {
  auto error = ReadError(record);
  if (error && error->stage == stage_) {
    ++counters_.failed;
    ++counters_.failures[error->code.empty() ? "unknown" : error->code];
  } else if (error) {
    ++counters_.passed_through;
  } else {
    ++counters_.ok;
  }
  return writer_->Write(record);
}

Status StageIo::PassThrough(const Record& record) {
  ++counters_.passed_through;
  return writer_->Write(record);
}

std::string StageIo::Position() const {
  return fmt::format("{}:{}", reader_->name(), reader_->line_number());
}

void StageIo::ShowProgress(const std::string& extra) {
  terminal_->Progress(fmt::format("{} read, {} ok, {} failed{}", counters_.read, counters_.ok,
                                  counters_.failed, extra));
}

std::string FormatFailures(const StageCounters& c) {
  std::string out = fmt::format("{} failed", c.failed);
  if (c.failures.empty()) return out;
  out += " (";
  bool first = true;
  for (const auto& [code, n] : c.failures) {
    out += fmt::format("{}{}: {}", first ? "" : ", ", code, n);
    first = false;
  }
  return out + ")";
}

int StageIo::Finish(const Status& run_status, const std::string& extra_summary) {
  StopReadAhead();
  Status status = run_status;
  Status closed = writer_->Close();
  if (status.ok() && !closed.ok()) status = closed;
  terminal_->ClearProgress();
  if (!status.ok() && status.code() != StatusCode::kBrokenPipe) terminal_->Error(status.message());
  if (reader_->skipped() > 0) {
    terminal_->Warning(fmt::format("skipped {} invalid input line(s); first: {}", reader_->skipped(),
                                   reader_->first_skip_message()));
  }
  if (status.code() != StatusCode::kBrokenPipe) {
    // Stages that write several records per input (keywords, search) say so.
    const uint64_t written = counters_.ok + counters_.failed + counters_.passed_through;
    std::string summary =
        written == counters_.read
            ? fmt::format("{}: {} ok, {}", Counted(counters_.read, "record", "records"),
                          counters_.ok, FormatFailures(counters_))
            : fmt::format("{} in, {} out: {} ok, {}", Counted(counters_.read, "record", "records"),
                          written, counters_.ok, FormatFailures(counters_));
    if (counters_.passed_through) {
      summary += fmt::format(", {} passed through with earlier errors", counters_.passed_through);
    }
    if (!extra_summary.empty()) summary += "; " + extra_summary;
    terminal_->Info(summary);
  }
  if (!status.ok()) return ExitCodeFor(status);
  return counters_.failed > 0 ? kExitRecordsFailed : kExitOk;
}

int RunMapStage(const std::string& stage, const CommonOptions& options, Terminal* terminal,
                const ProcessFn& process) {
  auto opened = StageIo::Open(stage, options, terminal);
  if (!opened.ok()) {
    terminal->Error(opened.status().message());
    return ExitCodeFor(opened.status());
  }
  StageIo& io = **opened;
  Status status;
  while (status.ok()) {
    if (InterruptRequested()) {
      status = Status::Interrupted();
      break;
    }
    auto next = io.Read();
    if (!next.ok()) {
      status = next.status();
      break;
    }
    if (!next->has_value()) break;
    Record& record = **next;
    if (HasRecordError(record)) {
      status = io.PassThrough(record);
      continue;
    }
    status = process(record);
    if (status.ok()) status = io.Write(record);
    io.ShowProgress();
  }
  return io.Finish(status);
}

}  // namespace pix
