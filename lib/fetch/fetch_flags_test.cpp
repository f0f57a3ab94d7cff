#include "fetch/fetch_flags.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("ResolveFetchOptions: switches, seconds and network flags") {
  FetchFlags f;
  auto o = ResolveFetchOptions(f);
  REQUIRE(o.ok());
  CHECK(o->by_label);
  CHECK(o->honour_noai);
  CHECK(o->http.http2);
  CHECK(o->http.host_delay == std::chrono::milliseconds(0));
  CHECK(o->http.low_speed_time == HttpOptions{}.low_speed_time);
  CHECK(o->accept == AcceptTypes::kImages);
  CHECK(o->checksum == ChecksumMode::kAuto);

  f.flat = f.ignore_noai = f.no_http2 = true;
  f.host_delay_s = 0.25;
  f.low_speed_time_s = 7;
  f.network.retries = 5;
  f.accept = "any";
  f.checksum = "require";
  o = ResolveFetchOptions(f);
  REQUIRE(o.ok());
  CHECK_FALSE(o->by_label);
  CHECK_FALSE(o->honour_noai);
  CHECK_FALSE(o->http.http2);
  CHECK(o->http.host_delay == std::chrono::milliseconds(250));
  CHECK(o->http.low_speed_time == std::chrono::seconds(7));
  CHECK(o->http.retry.max_retries == 5);
  CHECK(o->accept == AcceptTypes::kAny);
  CHECK(o->checksum == ChecksumMode::kRequire);
  f.checksum = "off";
  CHECK(ResolveFetchOptions(f)->checksum == ChecksumMode::kOff);
  f.checksum = "beside";
  CHECK(ResolveFetchOptions(f)->checksum == ChecksumMode::kBeside);

  f.network.allow_nets = {"10.0.0.0/99"};
  auto bad = ResolveFetchOptions(f);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("--allow-net") != std::string::npos);
}

}  // namespace
}  // namespace pix
