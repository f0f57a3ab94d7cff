// pix-run merge OUT SHARD_DIR...: one dataset from the datasets of
// `pix-run run --shard K/N`. Each shard's store holds its records with the
// search's global order (seq), so the merge copies every stage's items up to
// validation (the per-record stages) from the newest finished job of each
// shard into a new job in OUT's store, links the downloaded files into
// OUT/images, and runs the whole-input stages after them (dedup, label, pack)
// with the driver over all of them, in seq order: the same input a single
// unsharded run gives dedup, hence the same dataset. The merge
// job is an ordinary job: status, logs and resume work on it.
#include <fmt/format.h>

#include <algorithm>

#include "base/exit_code.h"
#include "base/files.h"
#include "config/dataset_config.h"
#include "jsonl/json_text.h"
#include "run/commands.h"
#include "run/job_lock.h"
#include "run/job_report.h"

namespace pix {
namespace {

// The newest finished job of a shard's store.
Result<JobInfo> FinishedJob(JobStore& store) {
  PIX_ASSIGN_OR_RETURN(auto jobs, store.ListJobs());
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    if (it->state == "done") return *it;
  }
  return Status::NotFound(store.db().path() + ": no finished job to merge (resume it first)");
}

// Hard-links (or copies) `from` to `to`, creating `to`'s directory; a file
// already there (from an earlier merge into OUT) is kept. Not pack's
// PlaceFile: a merge neither hashes every image again nor treats an existing
// file as an error.
Status LinkFile(const std::string& from, const std::string& to) {
  PIX_RETURN_IF_ERROR(MakeDirs(to.substr(0, to.rfind('/'))));
  return LinkOrCopyFile(from, to).status();
}

// The stages a merge runs again: everything after the last per-record stage.
std::vector<std::string> RerunStages(const Plan& plan) {
  size_t first = 0;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    if (plan.stages[i].resume == ResumeKind::kPerRecord) first = i + 1;
  }
  std::vector<std::string> names;
  for (size_t i = first; i < plan.stages.size(); ++i) names.push_back(plan.stages[i].name);
  return names;
}

Status CopyShard(JobStore& out, int64_t job, const Plan& plan, const std::string& shard_dir,
                 const std::vector<std::string>& rerun) {
  const std::string store_path = JoinPath(shard_dir, ".pix-run/jobs.sqlite");
  PIX_ASSIGN_OR_RETURN(auto shard, JobStore::Open(store_path, true));
  PIX_ASSIGN_OR_RETURN(JobInfo info, FinishedJob(*shard));
  PIX_ASSIGN_OR_RETURN(auto files, shard->ItemsInState(info.id, "fetch", "ok", -1, INT32_MAX));
  for (const ItemRow& r : files) {
    const size_t at = r.record.find("\"path\":\"");
    if (at == std::string::npos) continue;
    const size_t end = r.record.find('"', at + 8);
    const std::string path = r.record.substr(at + 8, end - at - 8);
    if (path.find("..") != std::string::npos || path.empty() || path[0] == '/') continue;
    PIX_RETURN_IF_ERROR(LinkFile(JoinPath(shard_dir, path), JoinPath(plan.output_dir, path)));
  }
  shard.reset();
  PIX_RETURN_IF_ERROR(out.MaybeCommit(true));
  SqliteDb& db = out.db();
  std::string quoted;
  for (char c : store_path) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  PIX_RETURN_IF_ERROR(db.Exec("ATTACH DATABASE '" + quoted + "' AS shard"));
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement copy,
      db.Prepare("INSERT OR REPLACE INTO items (job_id, stage, key, seq, priority, label, state, "
                 "code, record, out_order) SELECT ?, stage, key, seq, priority, label, state, "
                 "code, record, out_order FROM shard.items WHERE job_id = ? AND stage NOT IN "
                 "(SELECT value FROM json_each(?))"));
  JsonBuilder names;
  names.BeginArray();
  for (const std::string& name : rerun) names.String(name);
  names.EndArray();
  Status s = copy.Bind(1, job).Bind(2, info.id).Bind(3, names.Take()).Run();
  copy = SqliteStatement();
  Status detached = db.Exec("DETACH DATABASE shard");
  PIX_RETURN_IF_ERROR(s);
  PIX_RETURN_IF_ERROR(detached);
  return out.AddEvent(job, "", "info", fmt::format("merged job {} of {}", info.id, shard_dir));
}

}  // namespace

int MergeShards(const CommandOptions& o, const CommandOutput& out) {
  auto fail = [&](const Status& s) {
    out.observer.message("error", s.message());
    return ExitCodeFor(s);
  };
  if (o.args.size() < 2) {
    return fail(Status::InvalidArgument("merge: give OUT and at least one SHARD_DIR"));
  }
  const std::string& out_dir = o.args[0];
  std::vector<std::string> shards(o.args.begin() + 1, o.args.end());
  // The first shard's job gives the dataset.yaml text.
  auto first = JobStore::Open(JoinPath(shards[0], ".pix-run/jobs.sqlite"), true);
  if (!first.ok()) return fail(first.status());
  auto info = FinishedJob(**first);
  if (!info.ok()) return fail(info.status());
  first->reset();
  auto config = ParseDatasetConfig(info->config_text, info->config_path);
  if (!config.ok()) return fail(config.status());
  PlanOptions po{o.tools_dir, out_dir, o.store_path, ""};
  auto plan = MakePlan(*config, info->config_path, po);
  if (!plan.ok()) return fail(plan.status());
  if (Status s = MakeDirs(plan->state_dir); !s.ok()) return fail(s);
  auto lock = JobLock::Acquire(plan->store_path, 0);
  if (!lock.ok()) return fail(lock.status());
  auto store = JobStore::Open(plan->store_path);
  if (!store.ok()) return fail(store.status());
  auto job = CreateJob(**store, *plan, info->config_text);
  if (!job.ok()) return fail(job.status());
  (*lock)->SetJob(*job);
  // The per-record stages are done: their items come from the shards.
  const std::vector<std::string> rerun = RerunStages(*plan);
  int position = 0;
  for (const PlannedStage& s : plan->stages) {
    Status st = (*store)->AddStage(*job, s.name, position++, "[]");
    if (st.ok() && std::find(rerun.begin(), rerun.end(), s.name) == rerun.end()) {
      st = (*store)->SetStageState(*job, s.name, "done", "merged");
    }
    if (!st.ok()) return fail(st);
  }
  for (const std::string& shard : shards) {
    if (Status s = CopyShard(**store, *job, *plan, shard, rerun); !s.ok()) return fail(s);
  }
  out.observer.message("info", fmt::format("job {}: merging {} shards into {}", *job, shards.size(),
                                           plan->output_dir));
  plan->rounds = 1;  // each shard searched as deep as it needed; merging searches nothing
  auto outcome = RunJob(**store, *plan, *job, o.run, out.observer);
  if (!outcome.ok()) return fail(outcome.status());
  if (auto status = LoadJobStatus(**store, "", *job); status.ok()) {
    out.observer.message("summary", FormatStatusText(*status));
  }
  out.observer.message(outcome->exit_code <= 1 ? "info" : "error", outcome->message);
  return outcome->exit_code;
}

}  // namespace pix
