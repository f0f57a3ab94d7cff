#include "run/commands.h"

#include <dirent.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <ctime>

#include "base/exit_code.h"
#include "base/files.h"
#include "config/dataset_config.h"
#include "jsonl/json_text.h"
#include "run/dataset_files.h"
#include "run/job_lock.h"
#include "run/job_report.h"

namespace pix {

namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

int Fail(const CommandOutput& out, const Status& s) {
  out.observer.message("error", s.message());
  return ExitCodeFor(s);
}

std::string TimeText(double seconds) {
  const auto t = static_cast<time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> LocateStore(const CommandOptions& o) {
  if (!o.store_path.empty()) return o.store_path;
  if (!o.config_path.empty()) {
    PIX_ASSIGN_OR_RETURN(DatasetConfig config, LoadDatasetConfig(o.config_path));
    PlanOptions po;
    po.tools_dir = o.tools_dir;
    po.output_dir = o.output_dir;
    PIX_ASSIGN_OR_RETURN(Plan plan, MakePlan(config, o.config_path, po));
    return plan.store_path;
  }
  const std::string here = ".pix-run/jobs.sqlite";
  if (Exists(here)) return here;
  return Status::InvalidArgument(
      "which dataset? give --store FILE or --config dataset.yaml, or run this inside a dataset "
      "directory");
}

Result<std::unique_ptr<JobStore>> OpenStore(const std::string& path, bool read_only) {
  if (!Exists(path)) return Status::NotFound(path + ": no job store here (nothing has run yet)");
  return JobStore::Open(path, read_only);
}

// JOB from the first positional argument, or the newest job when absent.
Result<int64_t> JobArg(JobStore& store, const CommandOptions& o, bool required) {
  if (o.args.empty()) {
    if (required) return Status::InvalidArgument(o.command + ": which job? (pix-run list)");
    PIX_ASSIGN_OR_RETURN(auto jobs, store.ListJobs());
    if (jobs.empty()) return Status::NotFound("no jobs in " + store.db().path());
    return jobs.back().id;
  }
  int64_t id = 0;
  const std::string& a = o.args[0];
  auto r = std::from_chars(a.data(), a.data() + a.size(), id);
  if (r.ec != std::errc() || r.ptr != a.data() + a.size() || id <= 0) {
    return Status::InvalidArgument(
        fmt::format("{}: \"{}\" is not a job id (pix-run list)", o.command, a));
  }
  return id;
}

// The plan of a job: from its own config text, output directory and shard.
Result<Plan> JobPlan(const JobInfo& job, const std::string& store_path, const CommandOptions& o) {
  PIX_ASSIGN_OR_RETURN(DatasetConfig config, ParseDatasetConfig(job.config_text, job.config_path));
  PlanOptions po;
  po.tools_dir = o.tools_dir;
  po.output_dir = job.output_dir;
  po.store_path = store_path;
  po.shard = job.shard;
  return MakePlan(config, job.config_path, po);
}

Status CheckTools(const std::string& tools_dir) {
  auto missing = MissingTools(tools_dir);
  if (missing.empty()) return Status::Ok();
  std::string list;
  for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
  return Status::NotFound("stage tools not found: " + list +
                          " (install them next to pix-run, or give --tools-dir DIR)");
}

std::string PlanText(const Plan& plan) {
  std::string out = fmt::format("dataset {}: {}\n", plan.dataset, plan.config_path);
  out += fmt::format("  output:  {}\n  store:   {}\n", plan.output_dir, plan.store_path);
  if (plan.shard_count)
    out += fmt::format("  shard:   {}/{}\n", plan.shard_index, plan.shard_count);
  std::string labels;
  for (const std::string& l : plan.labels) labels += (labels.empty() ? "" : ", ") + l;
  out += fmt::format("  classes: {}\n", labels);
  if (plan.images_per_class) {
    out += fmt::format("  target:  {} images per class", plan.images_per_class);
    out += plan.rounds > 1 ? fmt::format(", up to {} search rounds\n", plan.rounds)
                           : std::string(", one search round\n");
  }
  out += "stages (run in " + plan.output_dir + "):\n";
  for (const PlannedStage& s : plan.stages) {
    const char* feed = s.feed == FeedKind::kNone          ? "from dataset.yaml"
                       : s.feed == FeedKind::kStream      ? "streamed"
                       : s.feed == FeedKind::kPrioritised ? "best first, after search"
                                                          : "all at once, in search order";
    const char* resume = s.resume == ResumeKind::kPerRecord ? "resumes per record" : "reruns";
    out += fmt::format("  {:<9} input {}; {}\n            {}\n", s.name, feed, resume,
                       ShellCommand(s.argv));
  }
  return out;
}

int RunAndReport(JobStore& store, const Plan& plan, int64_t job, const CommandOptions& o,
                 const CommandOutput& out) {
  auto outcome = RunJob(store, plan, job, o.run, out.observer);
  if (!outcome.ok()) return Fail(out, outcome.status().WithContext(fmt::format("job {}", job)));
  auto status = LoadJobStatus(store, "", job);
  if (status.ok()) {
    if (o.json) {
      out.out(FormatStatusJson(*status) + "\n");
    } else {
      out.observer.message("summary", FormatStatusText(*status));
    }
  }
  out.observer.message(outcome->exit_code == 0   ? "info"
                       : outcome->exit_code == 1 ? "warning"
                                                 : "error",
                       outcome->message);
  return outcome->exit_code;
}

int CmdCheck(const CommandOptions& o, const CommandOutput& out) {
  if (o.args.size() != 1) return Fail(out, Status::InvalidArgument("check: give one dataset.yaml"));
  auto config = LoadDatasetConfig(o.args[0]);
  if (!config.ok()) return Fail(out, config.status());
  PlanOptions po{o.tools_dir, o.output_dir, o.store_path, o.shard};
  auto plan = MakePlan(*config, o.args[0], po);
  if (!plan.ok()) return Fail(out, plan.status());
  out.out(PlanText(*plan));
  if (Status s = CheckTools(o.tools_dir); !s.ok()) return Fail(out, s);
  return kExitOk;
}

int CmdRun(const CommandOptions& o, const CommandOutput& out) {
  if (o.args.size() != 1) return Fail(out, Status::InvalidArgument("run: give one dataset.yaml"));
  auto text = ReadFile(o.args[0]);
  if (!text.ok()) return Fail(out, text.status());
  auto config = ParseDatasetConfig(*text, o.args[0]);
  if (!config.ok()) return Fail(out, config.status());
  PlanOptions po{o.tools_dir, o.output_dir, o.store_path, o.shard};
  auto plan = MakePlan(*config, o.args[0], po);
  if (!plan.ok()) return Fail(out, plan.status());
  if (Status s = CheckTools(o.tools_dir); !s.ok()) return Fail(out, s);
  const std::string store_dir = plan->store_path.substr(0, plan->store_path.rfind('/'));
  if (Status s = MakeDirs(store_dir); !s.ok()) return Fail(out, s);
  auto lock = JobLock::Acquire(plan->store_path, 0);
  if (!lock.ok()) return Fail(out, lock.status());
  auto store = JobStore::Open(plan->store_path);
  if (!store.ok()) return Fail(out, store.status());
  auto jobs = (*store)->ListJobs();
  if (!jobs.ok()) return Fail(out, jobs.status());
  for (const JobInfo& j : *jobs) {
    if (j.state != "done" && j.state != "cancelled" && j.output_dir == plan->output_dir) {
      out.observer.message(
          "warning", fmt::format("job {} of this dataset did not finish ({}); this run starts "
                                 "job anew (files already downloaded are kept); to continue "
                                 "it instead: pix-run resume {} --store {}",
                                 j.id, j.state, j.id, plan->store_path));
    }
  }
  auto job = CreateJob(**store, *plan, *text);
  if (!job.ok()) return Fail(out, job.status());
  (*lock)->SetJob(*job);
  out.observer.message("info",
                       fmt::format("job {}: {} -> {}", *job, plan->config_path, plan->output_dir));
  return RunAndReport(**store, *plan, *job, o, out);
}

// Opens the store, takes the lock and loads the job and its plan.
struct OpenedJob {
  std::unique_ptr<JobLock> lock;
  std::unique_ptr<JobStore> store;
  JobInfo job;
  Plan plan;
};

Result<OpenedJob> OpenJobForWriting(const CommandOptions& o) {
  OpenedJob j;
  PIX_ASSIGN_OR_RETURN(std::string path, LocateStore(o));
  if (!Exists(path)) return Status::NotFound(path + ": no job store here");
  PIX_ASSIGN_OR_RETURN(j.lock, JobLock::Acquire(path, 0));
  PIX_ASSIGN_OR_RETURN(j.store, JobStore::Open(path));
  PIX_ASSIGN_OR_RETURN(int64_t id, JobArg(*j.store, o, true));
  PIX_ASSIGN_OR_RETURN(j.job, j.store->GetJob(id));
  j.lock->SetJob(id);
  PIX_ASSIGN_OR_RETURN(j.plan, JobPlan(j.job, path, o));
  PIX_RETURN_IF_ERROR(CheckTools(o.tools_dir));
  return j;
}

int CmdResume(const CommandOptions& o, const CommandOutput& out) {
  auto j = OpenJobForWriting(o);
  if (!j.ok()) return Fail(out, j.status());
  if (j->job.state == "done") {
    out.observer.message("info", fmt::format("job {} is already done (exit {}); nothing to resume",
                                             j->job.id, j->job.exit_code.value_or(0)));
    return j->job.exit_code.value_or(0);
  }
  out.observer.message("info", fmt::format("resuming job {} ({})", j->job.id, j->job.state));
  return RunAndReport(*j->store, j->plan, j->job.id, o, out);
}

int CmdRetry(const CommandOptions& o, const CommandOutput& out) {
  if (!o.failed) return Fail(out, Status::InvalidArgument("retry: say what to retry: --failed"));
  auto j = OpenJobForWriting(o);
  if (!j.ok()) return Fail(out, j.status());
  int64_t deleted = 0;
  bool reset = false;
  for (const PlannedStage& s : j->plan.stages) {
    if (!reset && s.resume == ResumeKind::kPerRecord && (o.stage.empty() || o.stage == s.name)) {
      auto n = j->store->DeleteFailed(j->job.id, s.name, o.codes);
      if (!n.ok()) return Fail(out, n.status());
      deleted += *n;
      if (*n > 0) reset = true;  // this stage and every later one run again
    }
    if (reset) {
      if (Status st = j->store->SetStageState(j->job.id, s.name, "pending"); !st.ok()) {
        return Fail(out, st);
      }
    }
  }
  if (Status st = j->store->MaybeCommit(true); !st.ok()) return Fail(out, st);
  if (deleted == 0) {
    out.observer.message("info", fmt::format("job {}: no failed records to retry", j->job.id));
    return kExitOk;
  }
  (void)j->store->AddEvent(j->job.id, "", "info",
                           fmt::format("retrying {} failed records", deleted));
  out.observer.message("info",
                       fmt::format("job {}: retrying {} failed records", j->job.id, deleted));
  return RunAndReport(*j->store, j->plan, j->job.id, o, out);
}

int CmdStatus(const CommandOptions& o, const CommandOutput& out) {
  auto path = LocateStore(o);
  if (!path.ok()) return Fail(out, path.status());
  auto store = OpenStore(*path, true);
  if (!store.ok()) return Fail(out, store.status());
  auto id = JobArg(**store, o, false);
  if (!id.ok()) return Fail(out, id.status());
  auto status = LoadJobStatus(**store, *path, *id);
  if (!status.ok()) return Fail(out, status.status());
  if (!o.html_path.empty()) {
    if (Status s = WriteFileAtomic(o.html_path, FormatStatusHtml(*status)); !s.ok()) {
      return Fail(out, s);
    }
  } else if (o.json) {
    out.out(FormatStatusJson(*status) + "\n");
  } else {
    out.out(FormatStatusText(*status));
  }
  return kExitOk;
}

int CmdList(const CommandOptions& o, const CommandOutput& out) {
  auto path = LocateStore(o);
  if (!path.ok()) return Fail(out, path.status());
  auto store = OpenStore(*path, true);
  if (!store.ok()) return Fail(out, store.status());
  auto jobs = (*store)->ListJobs();
  if (!jobs.ok()) return Fail(out, jobs.status());
  const int64_t holder = JobLock::HolderPid(*path);
  std::string text = o.json ? ""
                            : fmt::format("{:>5}  {:<12} {:>4}  {:<20}  {}\n", "job", "state",
                                          "exit", "created", "dataset");
  for (const JobInfo& j : *jobs) {
    const bool running = holder != 0 && j.state == "running";
    const std::string state = j.state == "running" && !running ? "stopped" : j.state;
    if (o.json) {
      JsonBuilder b;
      b.BeginObject().Key("job").Int(j.id).Key("dataset").String(j.dataset);
      b.Key("state").String(state).Key("exit_code");
      if (j.exit_code) {
        b.Int(*j.exit_code);
      } else {
        b.Null();
      }
      b.Key("created_at").Double(j.created_at).Key("output_dir").String(j.output_dir);
      b.Key("shard").String(j.shard).EndObject();
      text += b.Take() + "\n";
    } else {
      text += fmt::format("{:>5}  {:<12} {:>4}  {:<20}  {}{}\n", j.id, state,
                          j.exit_code ? std::to_string(*j.exit_code) : "-", TimeText(j.created_at),
                          j.dataset, j.shard.empty() ? "" : " shard " + j.shard);
    }
  }
  out.out(text);
  return kExitOk;
}

int CmdLogs(const CommandOptions& o, const CommandOutput& out) {
  auto path = LocateStore(o);
  if (!path.ok()) return Fail(out, path.status());
  auto store = OpenStore(*path, true);
  if (!store.ok()) return Fail(out, store.status());
  auto id = JobArg(**store, o, true);
  if (!id.ok()) return Fail(out, id.status());
  if (auto job = (*store)->GetJob(*id); !job.ok()) return Fail(out, job.status());
  int64_t after = 0;
  for (;;) {
    auto page = (*store)->Events(*id, o.stage, o.level, after, 1000);
    if (!page.ok()) return Fail(out, page.status());
    std::string text;
    for (const EventRow& e : *page) {
      after = e.id;
      if (o.json) {
        JsonBuilder b;
        b.BeginObject().Key("at").Double(e.at).Key("stage").String(e.stage);
        b.Key("level").String(e.level).Key("message").String(e.message).EndObject();
        text += b.Take() + "\n";
      } else {
        text += fmt::format("{} {:<8} {:<7} {}\n", TimeText(e.at),
                            e.stage.empty() ? "pix-run" : e.stage, e.level, e.message);
      }
    }
    out.out(text);
    if (page->size() < 1000) break;
  }
  return kExitOk;
}

int CmdCancel(const CommandOptions& o, const CommandOutput& out) {
  auto path = LocateStore(o);
  if (!path.ok()) return Fail(out, path.status());
  auto store = OpenStore(*path, false);
  if (!store.ok()) return Fail(out, store.status());
  auto id = JobArg(**store, o, true);
  if (!id.ok()) return Fail(out, id.status());
  auto job = (*store)->GetJob(*id);
  if (!job.ok()) return Fail(out, job.status());
  if (job->state == "done" || job->state == "cancelled") {
    out.observer.message("info", fmt::format("job {} is {}; nothing to cancel", *id, job->state));
    return kExitOk;
  }
  const int64_t holder = JobLock::HolderPid(*path);
  if (holder != 0 && job->state == "running") {
    Status s = (*store)->SetJobState(*id, "cancelling", std::nullopt, "cancel requested");
    if (!s.ok()) return Fail(out, s);
    if (::kill(static_cast<pid_t>(holder), SIGTERM) != 0) {
      return Fail(out,
                  Status::FromErrno(fmt::format("cannot signal pix-run pid {}", holder), errno));
    }
    out.observer.message("info", fmt::format("job {}: asked pix-run pid {} to stop", *id, holder));
    return kExitOk;
  }
  Status s = (*store)->SetJobState(*id, "cancelled", job->exit_code, "cancelled");
  if (s.ok()) s = (*store)->AddEvent(*id, "", "info", "cancelled");
  if (s.ok()) s = (*store)->MaybeCommit(true);
  if (!s.ok()) return Fail(out, s);
  out.observer.message("info", fmt::format("job {} cancelled", *id));
  return kExitOk;
}

// Removes ".*.part" files (pix-fetch's partial downloads) under `dir`.
int64_t RemovePartFiles(const std::string& dir) {
  int64_t n = 0;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = JoinPath(dir, name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      n += RemovePartFiles(path);
    } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".part") == 0 &&
               ::unlink(path.c_str()) == 0) {
      ++n;
    }
  }
  ::closedir(d);
  return n;
}

int CmdClean(const CommandOptions& o, const CommandOutput& out) {
  auto j = OpenJobForWriting(o);
  if (!j.ok()) return Fail(out, j.status());
  (void)RemoveTree(JoinPath(j->plan.state_dir, "tmp"));
  const int64_t parts = RemovePartFiles(JoinPath(j->plan.output_dir, "images"));
  out.observer.message("info", fmt::format("job {}: removed temporary files ({} partial downloads)",
                                           j->job.id, parts));
  return kExitOk;
}

}  // namespace

int RunCommand(const CommandOptions& o, const CommandOutput& out) {
  const std::string& c = o.command;
  if (c == "check") return CmdCheck(o, out);
  if (c == "run") return CmdRun(o, out);
  if (c == "resume") return CmdResume(o, out);
  if (c == "retry") return CmdRetry(o, out);
  if (c == "status") return CmdStatus(o, out);
  if (c == "list") return CmdList(o, out);
  if (c == "logs") return CmdLogs(o, out);
  if (c == "cancel") return CmdCancel(o, out);
  if (c == "clean") return CmdClean(o, out);
  if (c == "merge") return MergeShards(o, out);
  return Fail(out, Status::InvalidArgument(fmt::format(
                       "unknown command \"{}\" (check, run, resume, retry, status, list, logs, "
                       "cancel, clean, merge)",
                       c)));
}

}  // namespace pix
