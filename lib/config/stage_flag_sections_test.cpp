#include <doctest/doctest.h>

#include "config/dataset_config.h"

namespace pix {
namespace {

using Args = std::vector<std::string>;

TEST_CASE("config: pix-run sections become the stage tools' flags") {
  auto c = ParseDatasetConfig(R"(
targets: {images_per_class: 50}
download:
  per_host: 4
  host_delay: 0.5
  no_http2: false
  extra_args: [--retries, "5"]
network: {allow_private: true, allow_net: [10.0.0.0/8]}
dedup: {keep: best-quality, threshold: 8, crop_threshold: -1, index: ../index.sqlite}
output: {dir: out, store: /var/lib/pix/jobs.sqlite}
)",
                              "dataset.yaml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->targets.images_per_class == 50);
  CHECK(c->download.args == Args{"--per-host", "4", "--host-delay", "0.5", "--retries", "5"});
  CHECK(c->network.args == Args{"--allow-private", "--allow-net", "10.0.0.0/8"});
  CHECK(c->dedup.flags.args ==
        Args{"--threshold", "8", "--crop-threshold", "-1", "--keep", "best-quality"});
  CHECK(c->dedup.index == "../index.sqlite");
  auto wide = ParseDatasetConfig("dedup: {crop_threshold: 40}\n", "d.yaml");
  REQUIRE_FALSE(wide.ok());  // pix-dedup would refuse it later, mid-run
  CHECK(wide.status().message().find("dedup.crop_threshold") != std::string::npos);
  CHECK(c->output.dir == "out");
  CHECK(c->output.store == "/var/lib/pix/jobs.sqlite");
}

TEST_CASE("config: labelling and output's pack keys become pix-label's and pix-pack's flags") {
  auto c = ParseDatasetConfig(R"(
labelling: {backend: evidence, review_below: 0.6, review_weak_below: 0.2, wordnet: false, embed_model: m/e.onnx}
output: {dir: out, split: "train=0.8,val=0.2", tier: hot, report: false, resize: 256}
)",
                              "/data/cats/dataset.yaml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->labelling.args == Args{"--backend", "evidence", "--review-below", "0.6",
                                  "--review-weak-below", "0.2", "--no-wordnet", "--embed-model",
                                  "/data/cats/m/e.onnx"});
  CHECK(c->output.pack.args ==
        Args{"--split", "train=0.8,val=0.2", "--tier", "hot", "--resize", "256", "--no-report"});
  CHECK(c->output.dir == "out");
  auto tier = ParseDatasetConfig("output:\n  tier: cold\n", "d.yaml");
  REQUIRE_FALSE(tier.ok());
  CHECK(tier.status().message().find("hot|warm|archive") != std::string::npos);
  auto typo = ParseDatasetConfig("labelling:\n  reviw_below: 0.5\n", "d.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message().find("labelling.reviw_below") != std::string::npos);
}

TEST_CASE("config: pix-run sections left out leave the tools' defaults") {
  auto c = ParseDatasetConfig("name: x\n", "dataset.yaml");
  REQUIRE(c.ok());
  CHECK(c->targets.images_per_class == 0);
  CHECK(c->targets.rounds == 4);
  CHECK(c->download.args.empty());
  CHECK(c->dedup.flags.args.empty());
  CHECK(c->output.dir.empty());
  CHECK(c->labelling.args.empty());
  CHECK(c->output.pack.args.empty());
}

TEST_CASE("config: pix-run section errors name file, line, column and key") {
  auto typo = ParseDatasetConfig("download:\n  per_hots: 4\n", "d.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message().find("d.yaml:2:3") != std::string::npos);
  CHECK(typo.status().message().find("download.per_hots") != std::string::npos);
  auto choice = ParseDatasetConfig("dedup:\n  keep: oldest\n", "d.yaml");
  REQUIRE_FALSE(choice.ok());
  CHECK(choice.status().message().find("largest|best-quality|first") != std::string::npos);
  auto type = ParseDatasetConfig("targets:\n  images_per_class: many\n", "d.yaml");
  REQUIRE_FALSE(type.ok());
  CHECK(type.status().message().find("targets.images_per_class") != std::string::npos);
  auto rounds = ParseDatasetConfig("targets:\n  rounds: 0\n", "d.yaml");
  REQUIRE_FALSE(rounds.ok());
  CHECK(rounds.status().message().find("targets.rounds") != std::string::npos);
  CHECK(rounds.status().message().find("at least 1") != std::string::npos);
  auto two = ParseDatasetConfig("targets: {images_per_class: 9, rounds: 2}\n", "d.yaml");
  REQUIRE(two.ok());
  CHECK(two->targets.rounds == 2);
}

}  // namespace
}  // namespace pix
