#include "label/label_flags.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

EnvLookup Env(std::string tmpdir) { return EnvFromMap({{"TMPDIR", std::move(tmpdir)}}); }

TEST_CASE("ResolveLabelOptions: flags to options, $TMPDIR, and checks that name the flag") {
  LabelFlags f;
  f.no_wordnet = true;
  f.options.review_below = 0.7;
  auto setup = ResolveLabelOptions(f, Env("/var/tmp"));
  REQUIRE(setup.ok());
  CHECK((*setup)->options.evidence);
  CHECK((*setup)->options.review_below == 0.7);
  CHECK((*setup)->options.temp_dir == "/var/tmp");
  CHECK((*setup)->options.wordnet == nullptr);
  CHECK((*setup)->options.backends.empty());
  CHECK((*ResolveLabelOptions(f, Env("")))->options.temp_dir == "/tmp");
  f.temp_dir = "/scratch";
  CHECK((*ResolveLabelOptions(f, Env("/var/tmp")))->options.temp_dir == "/scratch");

  LabelFlags late = f;
  late.backends = {"vlm", "evidence"};
  auto bad = ResolveLabelOptions(late, Env(""));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("--backend") != std::string::npos);

  LabelFlags rejects = f;
  rejects.options.rejects_path = "r.jsonl";
  auto no_drop = ResolveLabelOptions(rejects, Env(""));
  REQUIRE_FALSE(no_drop.ok());
  CHECK(no_drop.status().message() == "--rejects needs --drop-below");

  LabelFlags missing = f;
  missing.no_wordnet = false;
  missing.wordnet_dir = "/nonexistent/wordnet";
  missing.wordnet_dir_given = true;
  CHECK(ResolveLabelOptions(missing, Env("")).status().code() == StatusCode::kInvalidArgument);
  missing.wordnet_dir_given = false;  // the default place: a warning, no synonyms
  auto warned = ResolveLabelOptions(missing, Env(""));
  REQUIRE(warned.ok());
  CHECK((*warned)->warnings.size() == 1);
}

}  // namespace
}  // namespace pix
