#include "http/client.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("ParseRetryAfter: seconds and HTTP dates") {
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(*ParseRetryAfter("120", now) == milliseconds(120000));
  CHECK(*ParseRetryAfter(" 0 ", now) == milliseconds(0));
  CHECK(*ParseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now) == milliseconds(10000));
  CHECK(*ParseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now) == milliseconds(0));  // past
  CHECK_FALSE(ParseRetryAfter("soon", now).has_value());
  CHECK_FALSE(ParseRetryAfter("", now).has_value());
  CHECK_FALSE(ParseRetryAfter("-5", now).has_value());
  // Found by fuzzing: a date millennia ahead overflowed the clock (UB); it
  // is now the longest delay, like a huge number of seconds.
  CHECK(*ParseRetryAfter("Wed, 21 Oct 3920 07:28:00 GMT", now) == milliseconds(999999999000));
  CHECK(*ParseRetryAfter("99999999999", now) == milliseconds(999999999000));
}

TEST_CASE("HttpResponse::Header finds lower-cased names") {
  HttpResponse r;
  r.headers = {{"content-type", "image/png"}, {"x-robots-tag", "noai"}};
  CHECK(*r.Header("x-robots-tag") == "noai");
  CHECK_FALSE(r.Header("Content-Type").has_value());
}

}  // namespace
}  // namespace pix
