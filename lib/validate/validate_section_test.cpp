#include "validate/validate_section.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

Result<ValidateOptions> Parse(std::string_view yaml, const std::string& file) {
  PIX_ASSIGN_OR_RETURN(DatasetConfig config, ParseDatasetConfig(yaml, file));
  return ParseValidateSection(config);
}

TEST_CASE("validate section: defaults reject no content flag") {
  auto c = Parse("name: x\n", "dataset.yaml");
  REQUIRE(c.ok());
  CHECK(c->reject_flags.empty());
  CHECK(c->level == ValidateLevel::kMedium);
  CHECK(c->min_sharpness == ValidateOptions{}.min_sharpness);
}

TEST_CASE("validate section: reject_flags, thresholds and level") {
  auto c = Parse(R"(
validate:
  level: slow
  reject_flags: [blurry, dark]
  min_sharpness: 15
  blank: 0.99
  min_quality: 0.3
)",
                              "dataset.yaml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->level == ValidateLevel::kSlow);
  CHECK(c->reject_flags == std::vector<std::string>{"dark", "blurry"});
  CHECK(c->min_sharpness == 15);
  CHECK(c->blank_fraction == 0.99);
  CHECK(c->min_quality == 0.3);

  auto all = Parse("validate:\n  reject_flags: all\n", "dataset.yaml");
  REQUIRE(all.ok());
  CHECK(all->reject_flags.size() == kContentFlags.size());
}

TEST_CASE("validate section: errors name the key") {
  auto bad = Parse("validate:\n  reject_flags: [blurry, truncated]\n", "dataset.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("dataset.yaml:2:") != std::string::npos);
  CHECK(bad.status().message().find("validate.reject_flags") != std::string::npos);
  CHECK(bad.status().message().find("'truncated'") != std::string::npos);

  auto level = Parse("validate:\n  min_quality: 0.5\n", "dataset.yaml");
  REQUIRE_FALSE(level.ok());
  CHECK(level.status().message().find("level: slow") != std::string::npos);

  auto typo = Parse("validate:\n  reject_flag: [blurry]\n", "dataset.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message().find("reject_flag") != std::string::npos);
}

}  // namespace
}  // namespace pix
