#include <doctest/doctest.h>

#include "config/dataset_config.h"

namespace pix {
namespace {

TEST_CASE("config validate: defaults reject no content flag") {
  auto c = ParseDatasetConfig("name: x\n", "dataset.yaml");
  REQUIRE(c.ok());
  CHECK(c->validate.reject_flags.empty());
  CHECK(c->validate.level == ValidateLevel::kMedium);
  CHECK(c->validate.min_sharpness == ValidateOptions{}.min_sharpness);
}

TEST_CASE("config validate: reject_flags, thresholds and level") {
  auto c = ParseDatasetConfig(R"(
validate:
  level: slow
  reject_flags: [blurry, dark]
  min_sharpness: 15
  blank: 0.99
  min_quality: 0.3
)",
                              "dataset.yaml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->validate.level == ValidateLevel::kSlow);
  CHECK(c->validate.reject_flags == std::vector<std::string>{"dark", "blurry"});
  CHECK(c->validate.min_sharpness == 15);
  CHECK(c->validate.blank_fraction == 0.99);
  CHECK(c->validate.min_quality == 0.3);

  auto all = ParseDatasetConfig("validate:\n  reject_flags: all\n", "dataset.yaml");
  REQUIRE(all.ok());
  CHECK(all->validate.reject_flags.size() == kContentFlags.size());
}

TEST_CASE("config validate: errors name the key") {
  auto bad = ParseDatasetConfig("validate:\n  reject_flags: [blurry, truncated]\n", "dataset.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("dataset.yaml:2:") != std::string::npos);
  CHECK(bad.status().message().find("validate.reject_flags") != std::string::npos);
  CHECK(bad.status().message().find("'truncated'") != std::string::npos);

  auto level = ParseDatasetConfig("validate:\n  min_quality: 0.5\n", "dataset.yaml");
  REQUIRE_FALSE(level.ok());
  CHECK(level.status().message().find("level: slow") != std::string::npos);

  auto typo = ParseDatasetConfig("validate:\n  reject_flag: [blurry]\n", "dataset.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message().find("reject_flag") != std::string::npos);
}

}  // namespace
}  // namespace pix
