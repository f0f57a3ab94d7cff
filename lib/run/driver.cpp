#include "run/driver.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <iterator>
#include <memory>
#include <vector>

#include "base/files.h"
#include "base/signals.h"
#include "base/subprocess.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "jsonl/record.h"
#include "run/dataset_files.h"
#include "run/job_report.h"
#include "run/rounds.h"

namespace pix {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFeedPage = 256;
constexpr size_t kStderrTail = 20;
constexpr size_t kMaxLine = 64 << 20;  // a longer output line is a stage bug

// What a stage's output record means for the store.
struct Classified {
  std::string key;
  std::string label;
  std::string state = "ok";
  std::string code;
  double priority = 0;
};

std::string FirstString(std::string_view raw) {
  const size_t a = raw.find('"');
  if (a == std::string_view::npos) return std::string(raw);
  const size_t b = raw.find('"', a + 1);
  return std::string(raw.substr(a + 1, b == std::string_view::npos ? b : b - a - 1));
}

// The finds in a found_by array: its elements that name an engine
// ([{"engine": ..., "query": ..., "rank": ...}, ...]); 0 for anything else.
size_t CountFinds(std::string_view found_by) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(found_by.data(), found_by.size()).get_array().get(array)) return 0;
  size_t finds = 0;
  for (simdjson::dom::element e : array) {
    simdjson::dom::object find;
    if (!e.get_object().get(find) && !find["engine"].error()) ++finds;
  }
  return finds;
}

Classified Classify(const Record& r, RecordParser& parser) {
  Classified c;
  c.label = r.GetString(field::kLabel).value_or("");
  if (auto error = r.Raw(field::kError)) {
    c.state = "failed";
    auto parsed = Record::Parse(*error, parser);
    c.code = parsed.ok() ? parsed->GetString("code").value_or("error") : "error";
    // A stage stopped mid-record hands it back as "interrupted": not an
    // answer, so it is fed again on resume.
    if (c.code == "interrupted") c.state = "lost";
  } else if (r.GetBool(field::kValid) == false) {
    c.state = "rejected";
    if (auto reject = r.Raw(field::kReject)) c.code = FirstString(*reject);
  } else if (r.Has(field::kDupOf) && !r.IsNull(field::kDupOf)) {
    c.state = "duplicate";
  } else if (r.GetBool("dropped") == true) {
    c.state = "rejected";  // pix-label's confidence was below --drop-below
    c.code = "dropped";
  }
  if (auto url = r.GetString(field::kUrl); url && !url->empty()) {
    c.key = *url;
  } else {
    c.key = fmt::format("{}\x1f{}\x1f{}\x1f{}", c.label, r.GetString(field::kQuery).value_or(""),
                        r.GetString(field::kEngine).value_or(""), c.code);
  }
  // The download queue: more finds (engines x queries) first, then rank.
  if (auto found = r.Raw(field::kFoundBy)) {
    const size_t finds = CountFinds(*found);
    const int64_t rank = r.GetInt(field::kRank).value_or(1000);
    c.priority = static_cast<double>(finds) * 1e6 - static_cast<double>(rank);
  }
  return c;
}

std::string EventLevel(std::string_view line) {
  if (line.find(": error:") != std::string_view::npos) return "error";
  if (line.find(": warning:") != std::string_view::npos) return "warning";
  return "info";
}

std::string CommandJson(const std::vector<std::string>& argv) {
  JsonBuilder b;
  b.BeginArray();
  for (const std::string& a : argv) b.String(a);
  b.EndArray();
  return b.Take();
}

// A stage process left running by a pix-run that was killed (it lives on
// until it notices its closed pipes) would race the resumed stage for the
// same work: stop its process group. The pid is trusted only while
// /proc/PID/cmdline still names the stage's tool (pids are reused; by file
// name, as any argument, since a wrapper script may run the tool from
// elsewhere: `sh /opt/wrap/pix-fetch ...`) and its working directory is this
// dataset's.
void StopLeftover(pid_t pid, const std::string& tool, const std::string& cwd) {
  const std::string name = tool.substr(tool.rfind('/') + 1);
  auto alive = [&] {
    auto cmdline = ReadFile(fmt::format("/proc/{}/cmdline", pid), 64 * 1024);
    if (!cmdline.ok() || cmdline->empty()) return false;
    char dir[4096];
    const ssize_t n = ::readlink(fmt::format("/proc/{}/cwd", pid).c_str(), dir, sizeof dir);
    if (n <= 0 || std::string(dir, static_cast<size_t>(n)) != cwd) return false;
    for (size_t at = 0; at < cmdline->size();) {
      const size_t end = std::min(cmdline->find('\0', at), cmdline->size());
      const std::string arg = cmdline->substr(at, end - at);
      if (arg.substr(arg.rfind('/') + 1) == name) return true;
      at = end + 1;
    }
    return false;
  };
  if (!alive()) return;
  ::kill(-pid, SIGKILL);
  for (int i = 0; i < 200 && alive(); ++i) ::usleep(10000);
}

// One stage while the job runs.
struct StageRun {
  const PlannedStage* plan = nullptr;
  StageRun* upstream = nullptr;
  std::string state;  // as in the store: pending, running, done, failed, interrupted
  std::unique_ptr<Subprocess> proc;
  Clock::time_point started;
  std::string in_buf;
  size_t in_off = 0;
  std::string out_buf, err_buf;
  bool out_open = false, err_open = false;
  FeedCursor cursor;
  bool starved = false;        // the last feed query came back short
  int64_t upstream_seen = -1;  // upstream's `version` at that query
  int64_t version = 0;         // bumped by every stored output
  int64_t out_seq = 0;         // output order of this attempt (unkeyed stages)
  int64_t fed = 0, answered = 0, failed = 0, other_shard = 0;
  std::deque<std::string> stderr_tail;

  bool done() const { return state == "done"; }
  bool keyed() const {
    return !plan->sink && (plan->resume == ResumeKind::kPerRecord ||
                           plan->feed == FeedKind::kBarrier || plan->feed == FeedKind::kCollect);
  }
  bool running() const { return proc != nullptr; }
};

class JobRunner {
 public:
  JobRunner(JobStore& store, const Plan& plan, int64_t job, const RunOptions& options,
            const RunObserver& observer)
      : store_(store), plan_(plan), job_(job), options_(options), observer_(observer) {}

  Result<RunOutcome> Run();

 private:
  Status Prepare();
  Status StartReady();
  Status Start(StageRun& s);
  Status Refill(StageRun& s);
  Status Pump();
  Status StoreLine(StageRun& s, std::string_view line);
  Status StoreStderr(StageRun& s, std::string_view line);
  Status Finished(StageRun& s);
  Status MaybeEndRound();
  StageRun* FindStage(const std::string& name);
  void StopAll(int signal);
  Status Event(const std::string& stage, const std::string& level, const std::string& message);
  void Progress(bool force);
  Status Metrics(bool final);
  Result<RunOutcome> Finish();

  JobStore& store_;
  const Plan& plan_;
  int64_t job_;
  const RunOptions& options_;
  const RunObserver& observer_;
  std::vector<std::unique_ptr<StageRun>> stages_;
  RecordParser parser_;
  bool stopping_ = false;
  bool interrupted_ = false;
  std::string failure_;  // the first stage failure
  RoundState round_;     // the search round (run/rounds.h)
  std::string source_date_epoch_;
  Clock::time_point stop_sent_{};
  Clock::time_point last_progress_{}, last_metrics_{};
};

Status JobRunner::Event(const std::string& stage, const std::string& level,
                        const std::string& message) {
  return store_.AddEvent(job_, stage, level, message);
}

Status JobRunner::Prepare() {
  PIX_RETURN_IF_ERROR(MakeDirs(JoinPath(plan_.state_dir, "tmp")));
  PIX_ASSIGN_OR_RETURN(JobInfo info, store_.GetJob(job_));
  PIX_RETURN_IF_ERROR(WriteFileAtomic(plan_.config_copy, info.config_text));
  source_date_epoch_ = options_.source_date_epoch.empty()
                           ? fmt::format("{}", static_cast<int64_t>(info.created_at))
                           : options_.source_date_epoch;
  int position = 0;
  for (const PlannedStage& p : plan_.stages) {
    PIX_RETURN_IF_ERROR(store_.AddStage(job_, p.name, position++, CommandJson(p.argv)));
  }
  PIX_ASSIGN_OR_RETURN(auto rows, store_.Stages(job_));
  for (const PlannedStage& p : plan_.stages) {
    auto s = std::make_unique<StageRun>();
    s->plan = &p;
    s->state = "pending";
    for (const StageInfo& row : rows) {
      if (row.name != p.name) continue;
      s->state = row.state;
      if (row.pid > 0) StopLeftover(static_cast<pid_t>(row.pid), p.argv[0], plan_.output_dir);
    }
    for (auto& earlier : stages_) {
      if (earlier->plan->name == p.upstream) s->upstream = earlier.get();
    }
    if (s->state != "done") {
      // A stage that did not finish is run again; rerun stages start over.
      PIX_RETURN_IF_ERROR(store_.SetStageCommand(job_, p.name, CommandJson(p.argv)));
      PIX_RETURN_IF_ERROR(store_.SetStageState(job_, p.name, "pending"));
      s->state = "pending";
    }
    stages_.push_back(std::move(s));
  }
  PIX_ASSIGN_OR_RETURN(auto rounds, store_.Rounds(job_));
  round_ = CurrentRound(rounds);
  PIX_RETURN_IF_ERROR(store_.SetJobState(job_, "running", std::nullopt, ""));
  PIX_RETURN_IF_ERROR(store_.SetJobPid(job_, ::getpid()));
  std::string todo;
  for (auto& s : stages_) {
    if (!s->done()) todo += (todo.empty() ? "" : ", ") + s->plan->name;
  }
  return Event("", "info",
               fmt::format("pix-run pid {} runs job {}: {}", ::getpid(), job_,
                           todo.empty() ? "nothing left to do" : "stages " + todo));
}

Status JobRunner::StartReady() {
  if (stopping_) return Status::Ok();
  for (auto& s : stages_) {
    if (s->done() || s->running() || s->state == "failed") continue;
    const StageRun* up = s->upstream;
    bool ready = false;
    switch (s->plan->feed) {
      case FeedKind::kNone:
        ready = true;
        break;
      case FeedKind::kStream:
        // A rerun upstream answers again the rows it answered in an earlier
        // round, so a later round's stream would read those twice.
        ready = up == nullptr || up->done() ||
                (up->running() && (round_.round == 1 || up->plan->resume != ResumeKind::kRerun));
        break;
      case FeedKind::kPrioritised:
      case FeedKind::kBarrier:
      case FeedKind::kCollect:
        ready = up == nullptr || up->done();
        break;
    }
    if (ready) PIX_RETURN_IF_ERROR(Start(*s));
  }
  return Status::Ok();
}

Status JobRunner::Start(StageRun& s) {
  SubprocessOptions o;
  o.argv = s.plan->argv;
  if (s.plan->name == "keywords") {
    for (std::string& arg : RoundKeywordArgs(round_)) o.argv.push_back(arg);
  } else if (s.plan->name == "search") {
    for (std::string& arg : RoundSearchArgs(round_.round, plan_.search_max)) o.argv.push_back(arg);
  }
  o.pipe_stdin = s.plan->feed != FeedKind::kNone;
  o.null_stdin = !o.pipe_stdin;
  o.pipe_stdout = true;
  o.pipe_stderr = true;
  o.new_process_group = true;
  o.cwd = plan_.output_dir;
  o.env = {"SOURCE_DATE_EPOCH=" + source_date_epoch_};
  auto proc = Subprocess::Start(o);
  if (!proc.ok()) return proc.status().WithContext("stage " + s.plan->name);
  s.proc = std::move(proc).value();
  s.out_open = s.err_open = true;
  s.started = Clock::now();
  s.state = "running";
  s.cursor = FeedCursor{};
  s.starved = false;
  s.upstream_seen = -1;
  s.out_seq = 0;
  PIX_RETURN_IF_ERROR(store_.SetStageState(job_, s.plan->name, "running"));
  PIX_RETURN_IF_ERROR(store_.SetStagePid(job_, s.plan->name, s.proc->pid()));
  if (o.argv != s.plan->argv) {
    PIX_RETURN_IF_ERROR(store_.SetStageCommand(job_, s.plan->name, CommandJson(o.argv)));
  }
  return Event(s.plan->name, "info",
               fmt::format("started pid {}{}: {}", s.proc->pid(),
                           round_.round > 1 ? fmt::format(" (round {})", round_.round) : "",
                           ShellCommand(o.argv)));
}

// Where a stage's input comes from, in feeding order: its upstream, and for
// a collect feed then the failures of the stages before upstream that never
// reached it (unless upstream collected them already).
std::vector<std::pair<std::string, FeedStates>> FeedSources(const Plan& plan,
                                                            const PlannedStage& stage) {
  if (stage.feed != FeedKind::kCollect) return {{stage.upstream, FeedStates::kOk}};
  std::vector<std::pair<std::string, FeedStates>> sources = {{stage.upstream, FeedStates::kFinal}};
  const PlannedStage* up = plan.Find(stage.upstream);
  if (up == nullptr || up->feed == FeedKind::kCollect) return sources;
  for (const PlannedStage& earlier : plan.stages) {
    if (earlier.name == stage.upstream) break;
    sources.emplace_back(earlier.name, FeedStates::kFailures);
  }
  return sources;
}

Status JobRunner::Refill(StageRun& s) {
  if (!s.running() || s.proc->stdin_fd() < 0) return Status::Ok();
  StageRun* up = s.upstream;
  if (stopping_) {
    s.proc->CloseStdin();
    return Status::Ok();
  }
  if (s.starved && up && up->version == s.upstream_seen && !up->done()) return Status::Ok();
  const FeedOrder order = s.plan->feed == FeedKind::kPrioritised ? FeedOrder::kPriority
                          : s.plan->feed == FeedKind::kStream    ? FeedOrder::kArrival
                                                                 : FeedOrder::kSeq;
  const std::string skip = s.plan->resume == ResumeKind::kPerRecord ? s.plan->name : "";
  const auto sources = FeedSources(plan_, *s.plan);
  while (s.in_buf.size() - s.in_off < options_.feed_buffer_bytes) {
    const int64_t seen = up ? up->version : 0;
    const auto& [source, states] = sources[std::min(s.cursor.source, sources.size() - 1)];
    PIX_ASSIGN_OR_RETURN(auto rows,
                         store_.NextFeed(job_, source, skip, order, &s.cursor, kFeedPage, states));
    for (const ItemRow& row : rows) {
      // A later round searches only the classes still short of the target.
      if (s.plan->name == "search" && !round_.classes.empty() && !round_.classes.count(row.label)) {
        continue;
      }
      if (s.keyed()) PIX_RETURN_IF_ERROR(store_.Feed(job_, s.plan->name, row));
      s.in_buf += row.record;
      s.in_buf += '\n';
      ++s.fed;
    }
    const bool short_page = static_cast<int>(rows.size()) < kFeedPage;
    if (short_page && s.cursor.source + 1 < sources.size()) {
      // This source is exhausted (collect feeds start only once it is done).
      s.cursor = FeedCursor{.source = s.cursor.source + 1};
      continue;
    }
    s.starved = short_page;
    if (s.starved) {
      s.upstream_seen = seen;
      break;
    }
  }
  if (s.in_off == s.in_buf.size()) {
    s.in_buf.clear();
    s.in_off = 0;
    // Upstream finished and everything it stored has been handed on.
    if (s.starved && (up == nullptr || up->done()) && (!up || up->version == s.upstream_seen)) {
      s.proc->CloseStdin();
    }
  }
  return Status::Ok();
}

Status JobRunner::StoreLine(StageRun& s, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return Status::Ok();
  if (s.plan->sink) return Event(s.plan->name, "info", std::string(line));
  auto record = Record::Parse(line, parser_);
  if (!record.ok()) {
    return Event(s.plan->name, "error",
                 "unparsable output line (not stored): " + record.status().message());
  }
  Classified c = Classify(*record, parser_);
  // seq counts every record, so shards number the search output alike and
  // `pix-run merge` can put their records back in one order.
  // A later round's records come after the earlier rounds' in that order.
  const int64_t seq = (static_cast<int64_t>(round_.round - 1) << 40) + s.out_seq++;
  if (s.plan->name == "search" && plan_.shard_count > 1 && record->Has(field::kUrl) &&
      !InShard(c.key, plan_.shard_index, plan_.shard_count)) {
    ++s.other_shard;
    return Status::Ok();
  }
  ItemRow item;
  item.key = std::move(c.key);
  item.seq = seq;
  item.priority = c.priority;
  item.label = std::move(c.label);
  item.state = std::move(c.state);
  item.code = std::move(c.code);
  item.record = std::string(line);
  ++s.answered;
  if (item.state == "failed") ++s.failed;
  ++s.version;
  return store_.PutOutput(job_, s.plan->name, item);
}

Status JobRunner::StoreStderr(StageRun& s, std::string_view line) {
  if (line.empty()) return Status::Ok();
  s.stderr_tail.emplace_back(line);
  if (s.stderr_tail.size() > kStderrTail) s.stderr_tail.pop_front();
  return Event(s.plan->name, EventLevel(line), std::string(line));
}

// Splits complete lines off `buf` and hands them to `store`.
template <typename Fn>
Status DrainLines(std::string* buf, bool at_end, Fn&& store) {
  size_t start = 0;
  for (;;) {
    const size_t nl = buf->find('\n', start);
    if (nl == std::string::npos) break;
    PIX_RETURN_IF_ERROR(store(std::string_view(*buf).substr(start, nl - start)));
    start = nl + 1;
  }
  buf->erase(0, start);
  if (at_end && !buf->empty()) {
    PIX_RETURN_IF_ERROR(store(std::string_view(*buf)));
    buf->clear();
  }
  if (buf->size() > kMaxLine) return Status::LimitExceeded("a stage wrote a line over 64 MiB");
  return Status::Ok();
}

Status JobRunner::Pump() {
  std::vector<pollfd> fds;
  std::vector<std::pair<StageRun*, int>> owners;  // 0 stdin, 1 stdout, 2 stderr
  for (auto& s : stages_) {
    if (!s->running()) continue;
    if (s->proc->stdin_fd() >= 0 && s->in_off < s->in_buf.size()) {
      fds.push_back({s->proc->stdin_fd(), POLLOUT, 0});
      owners.emplace_back(s.get(), 0);
    }
    if (s->out_open) {
      fds.push_back({s->proc->stdout_fd(), POLLIN, 0});
      owners.emplace_back(s.get(), 1);
    }
    if (s->err_open) {
      fds.push_back({s->proc->stderr_fd(), POLLIN, 0});
      owners.emplace_back(s.get(), 2);
    }
  }
  const int n = ::poll(fds.data(), fds.size(), 100);
  if (n < 0 && errno != EINTR) return Status::FromErrno("poll", errno);
  for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    StageRun& s = *owners[i].first;
    switch (owners[i].second) {
      case 0: {
        const ssize_t w =
            ::write(fds[i].fd, s.in_buf.data() + s.in_off, s.in_buf.size() - s.in_off);
        if (w > 0) {
          s.in_off += static_cast<size_t>(w);
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
          s.proc->CloseStdin();  // the child stopped reading (EPIPE): its exit tells why
          s.in_buf.clear();
          s.in_off = 0;
        }
        if (s.in_off > (1 << 20)) {
          s.in_buf.erase(0, s.in_off);
          s.in_off = 0;
        }
        break;
      }
      case 1: {
        const bool open = ReadAvailable(fds[i].fd, &s.out_buf);
        PIX_RETURN_IF_ERROR(
            DrainLines(&s.out_buf, !open, [&](std::string_view l) { return StoreLine(s, l); }));
        if (!open) {
          s.out_open = false;
          s.proc->CloseStdout();
        }
        break;
      }
      case 2: {
        const bool open = ReadAvailable(fds[i].fd, &s.err_buf);
        PIX_RETURN_IF_ERROR(
            DrainLines(&s.err_buf, !open, [&](std::string_view l) { return StoreStderr(s, l); }));
        if (!open) {
          s.err_open = false;
          s.proc->CloseStderr();
        }
        break;
      }
    }
  }
  for (auto& s : stages_) {
    if (s->running() && !s->out_open && !s->err_open) PIX_RETURN_IF_ERROR(Finished(*s));
  }
  return Status::Ok();
}

Status JobRunner::Finished(StageRun& s) {
  PIX_ASSIGN_OR_RETURN(auto status, s.proc->Wait(true));
  const ExitStatus exit = *status;
  const double seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
  s.proc.reset();
  s.in_buf.clear();
  s.in_off = 0;
  const std::string& name = s.plan->name;
  if ((exit.code == 0 || exit.code == 1) && !stopping_) {
    if (s.keyed()) {
      PIX_ASSIGN_OR_RETURN(int64_t lost,
                           store_.MarkFedLost(job_, name, "no_output",
                                              "the stage ended without answering this record"));
      if (lost > 0) {
        PIX_RETURN_IF_ERROR(
            Event(name, "error", fmt::format("{} records fed to {} got no answer", lost, name)));
      }
    }
    s.state = "done";
    PIX_RETURN_IF_ERROR(store_.SetStageState(job_, name, "done", exit.ToString(), seconds));
    if (s.other_shard > 0) {
      PIX_RETURN_IF_ERROR(
          Event(name, "info", fmt::format("{} URLs left to other shards", s.other_shard)));
    }
    return Event(name, "info", fmt::format("finished ({}) in {:.1f} s", exit.ToString(), seconds));
  }
  if (stopping_ &&
      (exit.code == 130 || exit.signal == SIGTERM || exit.code == 0 || exit.code == 1)) {
    // Stopped by us: what it answered is stored; the rest is fed again on resume.
    s.state = "interrupted";
    PIX_RETURN_IF_ERROR(store_.SetStageState(job_, name, "interrupted", exit.ToString(), seconds));
    return Event(name, "info", fmt::format("stopped ({})", exit.ToString()));
  }
  s.state = "failed";
  if (s.keyed()) {
    PIX_RETURN_IF_ERROR(
        store_
            .MarkFedLost(job_, name, "stage_failed",
                         "the stage failed before answering this record: " + exit.ToString())
            .status());
  }
  std::string tail;
  for (const std::string& line : s.stderr_tail) tail += "\n  " + line;
  PIX_RETURN_IF_ERROR(store_.SetStageState(job_, name, "failed", exit.ToString(), seconds));
  const std::string why = fmt::format("stage {} failed ({})", name, exit.ToString());
  PIX_RETURN_IF_ERROR(Event(name, "error", why + (tail.empty() ? "" : ":" + tail)));
  if (failure_.empty()) {
    failure_ = why;
    if (!s.stderr_tail.empty()) failure_ += ": " + s.stderr_tail.back();
  }
  if (!stopping_) StopAll(SIGTERM);
  return Status::Ok();
}

StageRun* JobRunner::FindStage(const std::string& name) {
  for (auto& s : stages_) {
    if (s->plan->name == name) return s.get();
  }
  return nullptr;
}

// When dedup has ended a round and nothing after it has started: records
// each class's counts and, for the classes still short of the target,
// starts the next round (run/rounds.h): keywords and search again, deeper;
// fetch, validate and dedup again.
Status JobRunner::MaybeEndRound() {
  if (stopping_ || round_.ended || plan_.images_per_class == 0) return Status::Ok();
  StageRun* dedup = FindStage("dedup");
  if (dedup == nullptr || !dedup->done()) return Status::Ok();
  const auto at =
      std::find_if(stages_.begin(), stages_.end(), [&](const auto& s) { return s.get() == dedup; });
  if (std::any_of(std::next(at), stages_.end(),
                  [](const auto& s) { return s->state != "pending"; })) {
    round_.ended = true;  // a job from before rounds existed, past its dedup
    return Status::Ok();
  }
  RoundCounts counts;
  PIX_ASSIGN_OR_RETURN(counts.found, store_.CountByLabel(job_, "search", "ok"));
  PIX_ASSIGN_OR_RETURN(counts.unique, store_.CountByLabel(job_, "dedup", "ok"));
  PIX_ASSIGN_OR_RETURN(auto rows, store_.Rounds(job_));
  const size_t target = plan_.images_per_class;
  const auto ended = EndRound(round_, plan_.labels, counts, rows, target, plan_.rounds);
  std::string deeper, exhausted;
  for (const RoundRow& row : ended) {
    PIX_RETURN_IF_ERROR(store_.PutRound(job_, row));
    const std::string text = fmt::format("{} ({} of {})", row.label, row.unique, target);
    const bool searched = round_.classes.empty() || round_.classes.count(row.label);
    if (row.deeper) {
      deeper += (deeper.empty() ? "" : ", ") + text;
    } else if (searched && row.unique < static_cast<int64_t>(target)) {
      exhausted += (exhausted.empty() ? "" : ", ") + text;
    }
  }
  rows.insert(rows.end(), ended.begin(), ended.end());
  const int finished_round = round_.round;
  round_ = CurrentRound(rows);
  if (!exhausted.empty()) {
    PIX_RETURN_IF_ERROR(Event("", "warning",
                              fmt::format("round {}: short of the target with no more to search "
                                          "(sources exhausted or the last of {} rounds): {}",
                                          finished_round, plan_.rounds, exhausted)));
  }
  if (!deeper.empty()) {
    // Every stage from the first (keywords) through dedup runs again.
    for (auto it = stages_.begin(); it != std::next(at); ++it) {
      (*it)->state = "pending";
      PIX_RETURN_IF_ERROR(store_.SetStageState(job_, (*it)->plan->name, "pending"));
    }
    PIX_RETURN_IF_ERROR(Event(
        "", "info",
        fmt::format("round {}: searching again, deeper (pix-keywords --widen {}, pix-search {}), "
                    "for {}",
                    round_.round, round_.round - 1,
                    ShellCommand(RoundSearchArgs(round_.round, plan_.search_max)), deeper)));
  }
  return store_.MaybeCommit(true);
}

void JobRunner::StopAll(int signal) {
  if (!stopping_) stop_sent_ = Clock::now();
  stopping_ = true;
  for (auto& s : stages_) {
    if (!s->running()) continue;
    s->proc->CloseStdin();
    s->proc->Kill(signal);
  }
}

void JobRunner::Progress(bool force) {
  if (!observer_.progress) return;
  const auto now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(250)) return;
  last_progress_ = now;
  std::string line;
  for (auto& s : stages_) {
    if (!line.empty()) line += " | ";
    line += s->plan->name + " ";
    if (s->done()) {
      line += s->answered ? fmt::format("done {}", s->answered) : "done";
    } else if (!s->running()) {
      line += s->state == "pending" ? "waiting" : s->state;
    } else if (s->keyed()) {
      line += fmt::format("{}/{}", s->answered, s->fed);
    } else {
      line += fmt::format("{}", s->answered);
    }
    if (s->failed) line += fmt::format(" ({} failed)", s->failed);
  }
  observer_.progress(line);
}

Status JobRunner::Metrics(bool final) {
  if (options_.metrics_path.empty()) return Status::Ok();
  const auto now = Clock::now();
  if (!final && now - last_metrics_ < options_.metrics_interval) return Status::Ok();
  last_metrics_ = now;
  PIX_RETURN_IF_ERROR(store_.MaybeCommit(true));
  return WriteJobMetrics(store_, job_, options_.metrics_path);
}

Result<RunOutcome> JobRunner::Run() {
  PIX_RETURN_IF_ERROR(Prepare());
  for (;;) {
    if (InterruptRequested() && !interrupted_) {
      interrupted_ = true;
      PIX_RETURN_IF_ERROR(Event("", "info", "interrupted: stopping the stages"));
      StopAll(SIGTERM);
    }
    if (stopping_ && Clock::now() - stop_sent_ > options_.stop_grace) {
      for (auto& s : stages_) {
        if (s->running()) s->proc->Kill(SIGKILL);
      }
    }
    PIX_RETURN_IF_ERROR(MaybeEndRound());
    PIX_RETURN_IF_ERROR(StartReady());
    bool any_running = false;
    for (auto& s : stages_) {
      PIX_RETURN_IF_ERROR(Refill(*s));
      any_running = any_running || s->running();
    }
    if (!any_running) break;
    PIX_RETURN_IF_ERROR(Pump());
    PIX_RETURN_IF_ERROR(store_.MaybeCommit());
    Progress(false);
    PIX_RETURN_IF_ERROR(Metrics(false));
  }
  PIX_RETURN_IF_ERROR(store_.MaybeCommit(true));
  Progress(true);
  return Finish();
}

Result<RunOutcome> JobRunner::Finish() {
  RunOutcome out;
  bool all_done = true;
  for (auto& s : stages_) all_done = all_done && s->done();
  const std::string resume =
      fmt::format("resume with: pix-run resume {} --store {}", job_, ShellQuote(plan_.store_path));
  PIX_ASSIGN_OR_RETURN(JobInfo info, store_.GetJob(job_));
  if (all_done) {
    PIX_RETURN_IF_ERROR(WriteDatasetFiles(store_, plan_, job_));
    // A collecting end stage holds every record's last state, earlier
    // failures included; otherwise each stage's failures are its own.
    int64_t failed = 0;
    const PlannedStage& end = plan_.LastRecordStage();
    for (auto& s : stages_) {
      if (s->plan->sink || (end.feed == FeedKind::kCollect && s->plan != &end)) continue;
      PIX_ASSIGN_OR_RETURN(StageCounts counts, store_.CountItems(job_, s->plan->name));
      failed += counts.Count("failed") + counts.Count("lost");
    }
    out.state = "done";
    out.exit_code = failed > 0 ? 1 : 0;
    out.message = failed > 0 ? fmt::format("job {} done; {} records failed (pix-run status {})",
                                           job_, failed, job_)
                             : fmt::format("job {} done", job_);
    PIX_RETURN_IF_ERROR(store_.SetJobState(job_, "done", out.exit_code, out.message));
    PIX_RETURN_IF_ERROR(Event("", "info", out.message));
    PIX_RETURN_IF_ERROR(store_.MaybeCommit(true));
    PIX_RETURN_IF_ERROR(ArchiveEvents(store_, plan_, job_));
    (void)RemoveTree(JoinPath(plan_.state_dir, "tmp"));
  } else if (!failure_.empty()) {
    out.state = "failed";
    out.exit_code = 3;
    out.message = fmt::format("{}; {}", failure_, resume);
  } else if (info.state == "cancelling") {
    out.state = "cancelled";
    out.exit_code = 130;
    out.message = fmt::format("job {} cancelled; {}", job_, resume);
  } else {
    out.state = "interrupted";
    out.exit_code = 130;
    out.message = fmt::format("job {} interrupted; {}", job_, resume);
  }
  if (out.state != "done") {
    PIX_RETURN_IF_ERROR(store_.SetJobState(job_, out.state, out.exit_code, out.message));
    PIX_RETURN_IF_ERROR(Event("", out.state == "failed" ? "error" : "info", out.message));
  }
  PIX_RETURN_IF_ERROR(store_.MaybeCommit(true));
  PIX_RETURN_IF_ERROR(Metrics(true));
  return out;
}

}  // namespace

Result<int64_t> CreateJob(JobStore& store, const Plan& plan, const std::string& config_text) {
  JobInfo job;
  job.dataset = plan.dataset;
  job.config_path = plan.config_path;
  job.config_text = config_text;
  job.output_dir = plan.output_dir;
  job.shard = plan.shard_count > 0 ? fmt::format("{}/{}", plan.shard_index, plan.shard_count) : "";
  job.state = "pending";
  job.pid = ::getpid();
  return store.CreateJob(job);
}

Result<RunOutcome> RunJob(JobStore& store, const Plan& plan, int64_t job, const RunOptions& options,
                          const RunObserver& observer) {
  JobRunner runner(store, plan, job, options, observer);
  return runner.Run();
}

}  // namespace pix
