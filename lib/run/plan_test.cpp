#include "run/plan.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("Plan: stages, paths and flags from dataset.yaml") {
  auto config = ParseDatasetConfig(R"(
name: pets
classes: [cat, dog]
targets: {images_per_class: 20}
network: {allow_private: true}
download: {per_host: 2}
validate: {level: slow}
dedup: {keep: best-quality, index: idx.sqlite}
labelling: {review_below: 0.6}
output: {split: "train=0.9,val=0.1", tier: hot}
)",
                                   "/data/pets.yaml");
  REQUIRE(config.ok());
  auto plan = MakePlan(*config, "/data/pets.yaml", {.tools_dir = "/opt/pix/bin"});
  REQUIRE_MESSAGE(plan.ok(), plan.status().message());
  CHECK(plan->output_dir == "/data/pets");
  CHECK(plan->store_path == "/data/pets/.pix-run/jobs.sqlite");
  CHECK(plan->images_per_class == 20);
  REQUIRE(plan->stages.size() == 7);
  CHECK(plan->stages[0].argv == std::vector<std::string>{"/opt/pix/bin/pix-keywords", "--config",
                                                         "/data/pets/.pix-run/dataset.yaml",
                                                         "--allow-private", "--line-buffered"});
  const PlannedStage* fetch = plan->Find("fetch");
  REQUIRE(fetch);
  CHECK(fetch->feed == FeedKind::kPrioritised);
  CHECK(fetch->resume == ResumeKind::kPerRecord);
  CHECK(ShellCommand(fetch->argv) ==
        "/opt/pix/bin/pix-fetch --dir images --resume --allow-private --per-host 2 "
        "--line-buffered");
  CHECK(ShellCommand(plan->Find("validate")->argv) ==
        "/opt/pix/bin/pix-validate --config /data/pets/.pix-run/dataset.yaml --line-buffered");
  const PlannedStage* dedup = plan->Find("dedup");
  REQUIRE(dedup);
  CHECK(dedup->feed == FeedKind::kBarrier);
  CHECK(ShellCommand(dedup->argv) ==
        "/opt/pix/bin/pix-dedup --mark --temp-dir /data/pets/.pix-run/tmp --index "
        "/data/idx.sqlite --index-update --keep best-quality --line-buffered");
  const PlannedStage* label = plan->Find("label");
  REQUIRE(label);
  CHECK(label->feed == FeedKind::kCollect);
  CHECK(label->upstream == "dedup");
  CHECK_FALSE(label->sink);
  CHECK(ShellCommand(label->argv) ==
        "/opt/pix/bin/pix-label --config /data/pets/.pix-run/dataset.yaml --report "
        "label-report.json --temp-dir /data/pets/.pix-run/tmp --allow-private --review-below 0.6 "
        "--line-buffered");
  const PlannedStage* pack = plan->Find("pack");
  REQUIRE(pack);
  CHECK(pack->sink);
  CHECK(pack->upstream == "label");
  CHECK(ShellCommand(pack->argv) ==
        "/opt/pix/bin/pix-pack -o dataset --name pets --split train=0.9,val=0.1 --tier hot");
  CHECK(&plan->LastRecordStage() == label);
}

TEST_CASE("Plan: --shard, overrides and errors") {
  auto config = ParseDatasetConfig("classes: [cat]\nsearch: {stream: true}\n", "/d/x.yaml");
  REQUIRE(config.ok());
  auto plan =
      MakePlan(*config, "/d/x.yaml",
               {.tools_dir = "/b", .output_dir = "/out", .store_path = "/s.db", .shard = "2/4"});
  REQUIRE(plan.ok());
  CHECK(plan->dataset == "x");
  CHECK(plan->output_dir == "/out");
  CHECK(plan->store_path == "/s.db");
  CHECK(plan->shard_index == 2);
  CHECK(plan->shard_count == 4);
  CHECK(plan->Find("fetch")->feed == FeedKind::kStream);  // streaming search: no full ranking
  for (const char* bad : {"0/4", "5/4", "1", "a/b", "1/0"}) {
    CHECK_FALSE(MakePlan(*config, "/d/x.yaml", {.tools_dir = "/b", .shard = bad}).ok());
  }
  auto empty = ParseDatasetConfig("name: x\n", "/d/x.yaml");
  REQUIRE(empty.ok());
  CHECK_FALSE(MakePlan(*empty, "/d/x.yaml", {.tools_dir = "/b"}).ok());
}

TEST_CASE("InShard: every URL in exactly one shard, stably") {
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 400; ++i) {
    const std::string url = "https://example.org/" + std::to_string(i) + ".jpg";
    int in = 0;
    for (int k = 1; k <= 4; ++k) {
      if (InShard(url, k, 4)) {
        ++in;
        ++counts[k - 1];
      }
    }
    CHECK(in == 1);
  }
  for (int c : counts) CHECK(c > 50);  // roughly even
  CHECK(InShard("x", 1, 1));
  CHECK(ShellQuote("it's") == "'it'\\''s'");
  CHECK(ShellQuote("a b") == "'a b'");
  CHECK(ShellQuote("plain/path-1.0") == "plain/path-1.0");
}

}  // namespace
}  // namespace pix
