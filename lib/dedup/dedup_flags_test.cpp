#include "dedup/dedup_flags.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("ResolveDedupOptions: defaults decided after parsing") {
  DedupFlags f;
  auto o = ResolveDedupOptions(f, EnvFromMap({{"TMPDIR", "/var/tmp"}}));
  REQUIRE(o.ok());
  CHECK(o->threads >= 1);  // 0: one per CPU
  CHECK(o->keep == KeepPolicy::kLargest);
  CHECK(o->hash_fields.phash == HashFields{}.phash);
  CHECK(o->index_wait == DedupOptions{}.index_wait);
  CHECK(o->temp_dir == "/var/tmp");
  // The window search and the crop search are on by default.
  CHECK(o->window_threshold == 10);
  CHECK(o->crop_threshold == 12);
  CHECK(o->crop_batch == uint64_t{1} << 20);
  CHECK(ResolveDedupOptions(f, EnvFromMap({}))->temp_dir == DedupOptions{}.temp_dir);

  f.temp_dir = "/scratch";
  f.threads = 3;
  f.hash = "fast";
  f.keep = "best-quality";
  f.index_wait_s = 2.5;
  o = ResolveDedupOptions(f, EnvFromMap({{"TMPDIR", "/var/tmp"}}));
  REQUIRE(o.ok());
  CHECK(o->temp_dir == "/scratch");
  CHECK(o->threads == 3);
  CHECK(o->hash_fields.phash == HashFields::Fast().phash);
  CHECK(o->keep == KeepPolicy::kBestQuality);
  CHECK(o->index_wait == std::chrono::milliseconds(2500));
}

TEST_CASE("ResolveDedupOptions: --exact-only clashes with a --keep other than first") {
  DedupFlags f;
  f.options.exact_only = true;
  CHECK(ResolveDedupOptions(f, EnvFromMap({})).ok());  // --keep's default is not a clash
  f.keep_given = true;
  f.keep = "first";
  CHECK(ResolveDedupOptions(f, EnvFromMap({})).ok());
  f.keep = "largest";
  auto clash = ResolveDedupOptions(f, EnvFromMap({}));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.status().code() == StatusCode::kInvalidArgument);
  CHECK(clash.status().message().find("--keep largest") != std::string::npos);
  CHECK(clash.status().message().find("--exact-only") != std::string::npos);

  DedupFlags bad;
  bad.hash = "slow";
  CHECK(ResolveDedupOptions(bad, EnvFromMap({})).status().message().find("--hash") !=
        std::string::npos);
}

}  // namespace
}  // namespace pix
