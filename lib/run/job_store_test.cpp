#include "run/job_store.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>

#include "run/job_lock.h"

namespace pix {
namespace {

struct TempStore {
  std::string path;
  TempStore() {
    char buf[] = "/tmp/pix-job-store-test-XXXXXX";
    const int fd = mkstemp(buf);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::remove(buf);
    path = buf;
  }
  ~TempStore() {
    for (const char* s : {"", "-wal", "-shm", ".lock"}) std::remove((path + s).c_str());
  }
};

ItemRow Item(std::string key, int64_t seq, double priority, std::string state = "ok") {
  ItemRow r;
  r.key = std::move(key);
  r.seq = seq;
  r.priority = priority;
  r.label = "cat";
  r.state = std::move(state);
  r.record = "{\"url\":\"" + r.key + "\"}";
  return r;
}

TEST_CASE("JobStore: schema version, jobs, stages") {
  TempStore t;
  auto store = JobStore::Open(t.path);
  REQUIRE(store.ok());
  CHECK(*(*store)->SchemaVersion() == kJobStoreSchemaVersion);
  JobInfo j;
  j.dataset = "cats";
  j.config_path = "/x/dataset.yaml";
  j.config_text = "name: cats\n";
  j.output_dir = "/x/cats";
  j.state = "pending";
  auto id = (*store)->CreateJob(j);
  REQUIRE(id.ok());
  REQUIRE((*store)->AddStage(*id, "fetch", 2, "[\"pix-fetch\"]").ok());
  REQUIRE((*store)->SetStageState(*id, "fetch", "running").ok());
  REQUIRE((*store)->SetStageState(*id, "fetch", "done", "exit 0", 1.5).ok());
  REQUIRE((*store)->SetJobState(*id, "done", 0, "ok").ok());
  auto stages = (*store)->Stages(*id);
  REQUIRE(stages.ok());
  REQUIRE(stages->size() == 1);
  CHECK((*stages)[0].state == "done");
  CHECK((*stages)[0].attempts == 1);
  CHECK((*stages)[0].seconds == 1.5);
  auto job = (*store)->GetJob(*id);
  REQUIRE(job.ok());
  CHECK(job->state == "done");
  CHECK(job->exit_code == 0);
  CHECK(job->finished_at.has_value());
  CHECK(job->config_text == "name: cats\n");
  CHECK((*store)->GetJob(99).status().code() == StatusCode::kNotFound);

  // Reopening does not migrate again; a newer schema is refused.
  store->reset();
  auto again = JobStore::Open(t.path);
  REQUIRE(again.ok());
  REQUIRE((*again)->db().Exec("PRAGMA user_version = 99").ok());
  again->reset();
  auto newer = JobStore::Open(t.path);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().code() == StatusCode::kUnsupported);
}

TEST_CASE("JobStore: feeding skips what a stage answered, in priority or arrival order") {
  TempStore t;
  auto store = JobStore::Open(t.path);
  REQUIRE(store.ok());
  JobStore& s = **store;
  const int64_t job = 1;
  // search found four URLs; c has the most agreement, then a, d, b.
  REQUIRE(s.PutOutput(job, "search", Item("a", 0, 2e6 - 1)).ok());
  REQUIRE(s.PutOutput(job, "search", Item("b", 1, 1e6 - 5)).ok());
  REQUIRE(s.PutOutput(job, "search", Item("c", 2, 3e6 - 2)).ok());
  REQUIRE(s.PutOutput(job, "search", Item("d", 3, 1e6 - 1)).ok());
  REQUIRE(s.PutOutput(job, "search", Item("e", 4, 9e6, "failed")).ok());  // not fed on
  // fetch answered d in an earlier attempt; b was fed but never answered.
  REQUIRE(s.Feed(job, "fetch", Item("d", 3, 0)).ok());
  REQUIRE(s.PutOutput(job, "fetch", Item("d", 99, 0)).ok());
  REQUIRE(s.Feed(job, "fetch", Item("b", 1, 0)).ok());

  FeedCursor cursor;
  std::vector<std::string> order;
  for (;;) {
    auto page = s.NextFeed(job, "search", "fetch", FeedOrder::kPriority, &cursor, 1);
    REQUIRE(page.ok());
    if (page->empty()) break;
    order.push_back((*page)[0].key);
  }
  CHECK(order == std::vector<std::string>{"c", "a", "b"});

  // The answer keeps the seq and priority the fed row inherited.
  auto fetched = s.ItemsInState(job, "fetch", "ok", -1, 10);
  REQUIRE(fetched.ok());
  REQUIRE(fetched->size() == 1);
  CHECK((*fetched)[0].seq == 3);

  // Arrival order follows out_order, so a record answered later comes later.
  FeedCursor arrival;
  auto first = s.NextFeed(job, "search", "", FeedOrder::kArrival, &arrival, 10);
  REQUIRE(first.ok());
  CHECK(first->size() == 4);
  REQUIRE(s.PutOutput(job, "search", Item("f", 5, 0)).ok());
  auto next = s.NextFeed(job, "search", "", FeedOrder::kArrival, &arrival, 10);
  REQUIRE(next.ok());
  REQUIRE(next->size() == 1);
  CHECK((*next)[0].key == "f");

  // A stage that dies holding records: they become lost, then are retried.
  auto lost = s.MarkFedLost(job, "fetch", "stage_failed", "the stage failed");
  REQUIRE(lost.ok());
  CHECK(*lost == 1);
  // The lost record is the one fed, with the error: collecting stages see it.
  auto lost_rows = s.ItemsInState(job, "fetch", "lost", -1, 10);
  REQUIRE(lost_rows.ok());
  REQUIRE(lost_rows->size() == 1);
  CHECK((*lost_rows)[0].record ==
        "{\"url\":\"b\",\"error\":{\"stage\":\"fetch\",\"code\":\"stage_failed\","
        "\"message\":\"the stage failed\"}}");
  auto counts = s.CountItems(job, "fetch");
  REQUIRE(counts.ok());
  CHECK(counts->Count("lost") == 1);
  CHECK(counts->failed_by_code.at("stage_failed") == 1);
  auto removed = s.DeleteFailed(job, "fetch", {"timeout"});
  REQUIRE(removed.ok());
  CHECK(*removed == 0);
  removed = s.DeleteFailed(job, "fetch", {});
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  REQUIRE(s.MaybeCommit(true).ok());
}

TEST_CASE("JobStore: events filter by stage and level") {
  TempStore t;
  auto store = JobStore::Open(t.path);
  REQUIRE(store.ok());
  REQUIRE((*store)->AddEvent(1, "fetch", "info", "started").ok());
  REQUIRE((*store)->AddEvent(1, "fetch", "error", "pix-fetch: error: disk full").ok());
  REQUIRE((*store)->AddEvent(1, "search", "warning", "slow").ok());
  REQUIRE((*store)->AddEvent(2, "fetch", "error", "other job").ok());
  auto all = (*store)->Events(1, "", "", 0, 100);
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  auto errors = (*store)->Events(1, "fetch", "error", 0, 100);
  REQUIRE(errors.ok());
  REQUIRE(errors->size() == 1);
  CHECK((*errors)[0].message == "pix-fetch: error: disk full");
  auto warnings = (*store)->Events(1, "", "warning", 0, 100);
  REQUIRE(warnings.ok());
  CHECK(warnings->size() == 2);
}

TEST_CASE("JobLock: a second holder is refused with the first one's pid") {
  TempStore t;
  auto first = JobLock::Acquire(t.path, 7);
  REQUIRE(first.ok());
  CHECK(JobLock::HolderPid(t.path) == ::getpid());
  auto second = JobLock::Acquire(t.path, 8);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kLimitExceeded);
  CHECK(second.status().message().find("pid " + std::to_string(::getpid())) != std::string::npos);
  CHECK(second.status().message().find("job 7") != std::string::npos);
  first->reset();
  CHECK(JobLock::HolderPid(t.path) == 0);
  CHECK(JobLock::Acquire(t.path, 9).ok());
}

}  // namespace
}  // namespace pix
