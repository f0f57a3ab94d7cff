#include "jsonl/stage_io.h"

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
    std::string summary = fmt::format("{} records: {} ok, {}", counters_.read, counters_.ok,
                                      FormatFailures(counters_));
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
