#include "base/status.h"

#include <doctest/doctest.h>

#include "base/exit_code.h"

namespace pix {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  PIX_ASSIGN_OR_RETURN(int h, Half(x));
  PIX_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST_CASE("Status carries code and message, OK is cheap") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "ok");
  Status bad = Status::Corruption("bad byte").WithContext("in.jsonl:3");
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == StatusCode::kCorruption);
  CHECK(bad.message() == "in.jsonl:3: bad byte");
}

TEST_CASE("Result and the propagation macros") {
  CHECK(*Quarter(8) == 2);
  auto r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "odd");
}

TEST_CASE("exit codes follow man pix(7)") {
  CHECK(ExitCodeFor(Status::Ok()) == 0);
  CHECK(ExitCodeFor(Status::BrokenPipe()) == 0);
  CHECK(ExitCodeFor(Status::InvalidArgument("x")) == 2);
  CHECK(ExitCodeFor(Status::IoError("x")) == 3);
  CHECK(ExitCodeFor(Status::Interrupted()) == 130);
}

}  // namespace
}  // namespace pix
