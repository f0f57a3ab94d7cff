#include "validate/validate_flags.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/files.h"

namespace pix {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;

// pix-validate's command line `args`, resolved as the tool does.
Result<std::unique_ptr<ValidateSetup>> Resolve(std::vector<std::string> args) {
  ToolCli cli("pix-validate", "test");
  ValidateFlags flags;
  AddValidateFlags(cli, &flags);
  args.insert(args.begin(), "pix-validate");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  REQUIRE_FALSE(cli.Parse(static_cast<int>(argv.size()), argv.data()).has_value());
  return ResolveValidateOptions(flags, EnvFromMap({}), 8 * kGiB);
}

TEST_CASE("ResolveValidateOptions: defaults, names and sizes") {
  auto setup = Resolve({});
  REQUIRE(setup.ok());
  const ValidateOptions& o = (*setup)->options;
  CHECK(o.level == ValidateLevel::kMedium);
  CHECK(o.hash == HashMode::kExact);
  CHECK(o.metrics);
  CHECK(o.crop_hashes);
  CHECK(o.max_memory == 2 * kGiB);  // auto: a quarter of RAM
  CHECK(o.reject_flags.empty());
  CHECK((*setup)->concurrency >= 1);
  CHECK((*setup)->judge == nullptr);

  auto set = Resolve({"-l", "fast", "--hash", "none", "--max-memory", "300M", "-c", "3",
                      "--no-crop-hashes", "--reject-grayscale", "--min-sharpness", "7"});
  REQUIRE_MESSAGE(set.ok(), set.status().message());
  CHECK((*set)->options.level == ValidateLevel::kFast);
  CHECK((*set)->options.hash == HashMode::kNone);
  CHECK((*set)->options.max_memory == 300u * 1024 * 1024);
  CHECK((*set)->concurrency == 3);
  CHECK_FALSE((*set)->options.crop_hashes);
  CHECK((*set)->options.reject_flags == std::vector<std::string>{"grayscale"});
  CHECK((*set)->options.min_sharpness == 7);
}

TEST_CASE("ResolveValidateOptions: rules that name the flag to fix") {
  auto message = [](std::vector<std::string> args) {
    auto setup = Resolve(std::move(args));
    REQUIRE_FALSE(setup.ok());
    CHECK(setup.status().code() == StatusCode::kInvalidArgument);
    return setup.status().message();
  };
  CHECK(message({"--min-quality", "0.4"}) == "--min-quality needs --level slow");
  CHECK(message({"--no-metrics", "-l", "slow"}).find("--no-metrics cannot be combined") == 0);
  CHECK(message({"--judge"}) == "--judge needs --level slow");
  CHECK(message({"--judge", "-l", "slow"}) == "--judge needs --llm-model");
  CHECK(message({"--reject-flags", "blurry,truncated"}).find("--reject-flags: ") == 0);
}

TEST_CASE("ResolveValidateOptions: a flag beats dataset.yaml, which beats the default") {
  char dir[] = "/tmp/pix-validate-flags-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/dataset.yaml";
  REQUIRE(WriteFileAtomic(path,
                          "validate:\n  level: fast\n  min_width: 64\n  min_height: 48\n"
                          "  reject_flags: [dark]\n")
              .ok());
  auto setup = Resolve({"--config", path, "--min-width", "100"});
  REQUIRE_MESSAGE(setup.ok(), setup.status().message());
  const ValidateOptions& o = (*setup)->options;
  CHECK(o.level == ValidateLevel::kFast);  // the file's, since -l was not given
  CHECK(o.min_width == 100);               // the flag's
  CHECK(o.min_height == 48);               // the file's
  CHECK(o.reject_flags == std::vector<std::string>{"dark"});
  CHECK(o.dark_p99 == ValidateOptions{}.dark_p99);  // neither: the default
  CHECK((*Resolve({"--config", path, "-l", "slow"}))->options.level == ValidateLevel::kSlow);

  REQUIRE(WriteFileAtomic(path, "validate:\n  levle: fast\n").ok());
  auto typo = Resolve({"--config", path});
  ::unlink(path.c_str());
  ::rmdir(dir);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message().find("unknown key \"validate.levle\"") != std::string::npos);
}

}  // namespace
}  // namespace pix
