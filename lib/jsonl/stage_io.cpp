#include "jsonl/stage_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>

#include "base/exit_code.h"
#include "base/files.h"
#include "base/signals.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

// The "stage" and "code" of a record's error object, if any.
struct ErrorInfo {
  std::string stage;
  std::string code;
};

std::optional<ErrorInfo> ReadError(const Record& record) {
  auto raw = record.Raw(field::kError);
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

// Counts `error` as a failure of `stage` when that stage set it; false for
// no error or an earlier stage's.
bool CountOwnFailure(const std::optional<ErrorInfo>& error, const std::string& stage,
                     StageCounters* counters) {
  if (!error || error->stage != stage) return false;
  ++counters->failed;
  ++counters->failures[error->code.empty() ? "unknown" : error->code];
  return true;
}

}  // namespace

Result<std::unique_ptr<StageIo>> StageIo::Open(std::string stage, const CommonOptions& options,
                                               Terminal* terminal) {
  std::unique_ptr<StageIo> io(new StageIo());
  io->stage_ = std::move(stage);
  io->terminal_ = terminal;
  io->stats_path_ = options.stats_path;
  PIX_ASSIGN_OR_RETURN(io->reader_, RecordReader::Open(options.input, options.reader_options()));
  if (!options.output.empty()) {
    PIX_ASSIGN_OR_RETURN(io->writer_, RecordWriter::Open(options.output, options.line_buffering()));
  }
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
        // Queued even when stopping: a record taken from the input is
        // written by Finish(), never dropped.
        was_empty = ahead_.empty();
        ahead_.push_back(std::move(next));
        if (stop_) return;
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
  if (!writer_) return Status::Internal("StageIo::Write: the stage has no output");
  auto error = ReadError(record);
  if (!CountOwnFailure(error, stage_, &counters_))
    ++(error ? counters_.passed_through : counters_.ok);
  return writer_->Write(record);
}

Status StageIo::Consume(const Record& record) {
  if (!CountOwnFailure(ReadError(record), stage_, &counters_)) ++counters_.consumed;
  return writer_ ? writer_->Write(record) : Status::Ok();
}

Status StageIo::PassThrough(const Record& record) {
  if (!writer_) return Status::Internal("StageIo::PassThrough: the stage has no output");
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

int RunStage(const std::string& stage, const CommonOptions& common, Terminal* terminal,
             const std::function<int(StageIo&)>& run) {
  InstallSignalHandlers();
  auto io = StageIo::Open(stage, common, terminal);
  if (!io.ok()) return ExitWithError(terminal, io.status());
  return run(**io);
}

int ExitWithError(Terminal* terminal, const Status& status) {
  terminal->Error(status.message());
  return ExitCodeFor(status);
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

void StageIo::WriteUnstarted(const Status& why) {
  if (why.code() == StatusCode::kBrokenPipe) return;
  const std::string message =
      why.code() == StatusCode::kInterrupted
          ? std::string("the run was interrupted before this record was started")
          : "the stage stopped before this record was started: " + why.message();
  auto write = [&](Record& record) {
    ++counters_.read;
    if (HasRecordError(record)) return PassThrough(record);
    SetRecordError(&record, stage_, "interrupted", message);
    return Write(record);
  };
  // Read-ahead entries end at the input's end or its first bad line; the
  // reader's buffer may still hold complete lines after that.
  for (auto& entry : ahead_) {
    if (!entry.ok() || !entry->has_value()) break;
    if (!write(**entry).ok()) return;
  }
  ahead_.clear();
  reader_->StopReading();
  for (;;) {
    auto next = reader_->Next();
    if (!next.ok()) {
      if (next.status().code() == StatusCode::kInterrupted) return;
      continue;  // a bad line cannot be written; the ones after it can
    }
    if (!next->has_value() || !write(**next).ok()) return;
  }
}

int StageIo::Finish(const Status& run_status, const std::string& extra_summary) {
  StopReadAhead();
  Status status = run_status;
  // A sink without an output has nowhere to write them.
  if (!status.ok() && writer_) WriteUnstarted(status);
  Status closed = writer_ ? writer_->Close() : Status::Ok();
  if (status.ok() && !closed.ok()) status = closed;
  terminal_->ClearProgress();
  if (!status.ok() && status.code() != StatusCode::kBrokenPipe) terminal_->Error(status.message());
  if (reader_->skipped() > 0) {
    terminal_->Warning(fmt::format("skipped {} invalid input line(s); first: {}",
                                   reader_->skipped(), reader_->first_skip_message()));
  }
  if (status.code() != StatusCode::kBrokenPipe) {
    // Stages that write several records per input (keywords, search) say so.
    const uint64_t written = Written();
    std::string summary;
    if (counters_.consumed > 0 || !writer_) {
      summary = fmt::format("{}: {} consumed, ", Counted(counters_.read, "record", "records"),
                            counters_.consumed);
      if (writer_) summary += fmt::format("{} written, ", written);
      summary += FormatFailures(counters_);
    } else if (written == counters_.read) {
      summary = fmt::format("{}: {} ok, {}", Counted(counters_.read, "record", "records"),
                            counters_.ok, FormatFailures(counters_));
    } else {
      summary =
          fmt::format("{} in, {} out: {} ok, {}", Counted(counters_.read, "record", "records"),
                      written, counters_.ok, FormatFailures(counters_));
    }
    if (counters_.passed_through) {
      summary += fmt::format(", {} passed through with earlier errors", counters_.passed_through);
    }
    if (!extra_summary.empty()) summary += "; " + extra_summary;
    terminal_->Info(summary);
  }
  int exit_code = ExitCodeFor(status);
  if (status.ok()) exit_code = counters_.failed > 0 ? kExitRecordsFailed : kExitOk;
  WriteStats(status, exit_code);
  return exit_code;
}

uint64_t StageIo::Written() const {
  // With an output, a sink writes every record it consumes (a faulted one
  // is counted as failed).
  if (!writer_) return 0;
  return counters_.ok + counters_.failed + counters_.passed_through + counters_.consumed;
}

void StageIo::WriteStats(const Status& status, int exit_code) {
  if (stats_path_.empty()) return;
  JsonBuilder json;
  json.BeginObject();
  json.Key("tool").String(terminal_->tool_name());
  json.Key("stage").String(stage_);
  json.Key("exit_code").Int(exit_code);
  json.Key("status").String(status.ok() ? "ok" : std::string(StatusCodeName(status.code())));
  if (!status.ok()) json.Key("message").String(status.message());
  const uint64_t written = Written();
  const std::pair<const char*, uint64_t> counts[] = {
      {"read", counters_.read},
      {"written", written},
      {"ok", counters_.ok},
      {"failed", counters_.failed},
      {"passed_through", counters_.passed_through},
      {"consumed", counters_.consumed},
      {"skipped_invalid", reader_->skipped()},
  };
  for (const auto& [name, n] : counts) json.Key(name).Int(static_cast<int64_t>(n));
  json.Key("failures").BeginObject();
  for (const auto& [code, n] : counters_.failures) json.Key(code).Int(static_cast<int64_t>(n));
  json.EndObject();
  json.Key("extra").BeginObject();
  for (const auto& [name, v] : extra_stats_) json.Key(name).Double(v);
  json.EndObject();
  json.EndObject();
  std::string text = json.Take();
  text += '\n';
  if (Status written_ok = WriteFileAtomic(stats_path_, text); !written_ok.ok()) {
    terminal_->Warning("--stats: " + written_ok.message());
  }
}

}  // namespace pix
