#include "run/run_flags.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("ResolveRunOptions: a command is required") {
  RunFlags f;
  auto none = ResolveRunOptions(f, EnvFromMap({}), "/opt/pix/bin");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == StatusCode::kInvalidArgument);
  CHECK(none.status().message().find("a command is required") == 0);
}

TEST_CASE("ResolveRunOptions: tools directory, SOURCE_DATE_EPOCH and the metrics interval") {
  RunFlags f;
  f.options.command = "run";
  f.metrics_interval_s = 0.5;
  auto o = ResolveRunOptions(f, EnvFromMap({}), "/opt/pix/bin");
  REQUIRE(o.ok());
  CHECK(o->tools_dir == "/opt/pix/bin");  // pix-run's own directory
  CHECK(o->run.source_date_epoch.empty());
  CHECK(o->run.metrics_interval == std::chrono::milliseconds(500));

  const EnvLookup env =
      EnvFromMap({{"PIX_RUN_TOOLS_DIR", "/env/bin"}, {"SOURCE_DATE_EPOCH", "1700000000"}});
  o = ResolveRunOptions(f, env, "/opt/pix/bin");
  REQUIRE(o.ok());
  CHECK(o->tools_dir == "/env/bin");
  CHECK(o->run.source_date_epoch == "1700000000");

  f.options.tools_dir = "/flag/bin";  // --tools-dir wins
  CHECK(ResolveRunOptions(f, env, "/opt/pix/bin")->tools_dir == "/flag/bin");
}

}  // namespace
}  // namespace pix
