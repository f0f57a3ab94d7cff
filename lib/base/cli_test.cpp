#include "base/cli.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace pix {
namespace {

// CLI11's refusal of `value` for an option checked by `validator`.
std::string Refusal(const CLI::Validator& validator, std::string value) {
  CLI::App app("test", "test");
  double number = 0;
  app.add_option("--n", number)->check(validator);
  try {
    std::vector<std::string> args = {value, "--n"};  // CLI11 reads this vector backwards
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("number flags are refused in words people read") {
  CHECK(Refusal(Quiet(CLI::PositiveNumber), "-1") == "--n: must be more than 0 (got -1)");
  CHECK(Refusal(Quiet(CLI::PositiveNumber), "0") == "--n: must be more than 0 (got 0)");
  CHECK(Refusal(Quiet(CLI::PositiveNumber), "2.5") == "");
  CHECK(Refusal(Quiet(CLI::NonNegativeNumber), "-3") == "--n: must be 0 or more (got -3)");
  CHECK(Refusal(Quiet(CLI::Range(1, 4096)), "abc") == "--n: 'abc' is not a number");
  CHECK(Refusal(Quiet(CLI::Range(1, 4096)), "0") == "--n: must be between 1 and 4096 (got 0)");
  CHECK(Refusal(Quiet(CLI::Range(1, 4096)), "1.5") == "--n: must be a whole number (got 1.5)");
  CHECK(Refusal(Quiet(CLI::Range(0.0, 1.0)), "2") == "--n: must be between 0 and 1 (got 2)");
  CHECK(Refusal(Quiet(CLI::Range(int64_t{-1}, INT64_MAX)), "-2") ==
        "--n: must be at least -1 (got -2)");
  for (const char* v : {"-1", "0", "abc", "1e999"}) {
    CHECK(Refusal(Quiet(CLI::PositiveNumber), v).size() < 60);  // no 309-digit bound
  }
}

TEST_CASE("a mistyped flag gets the flag it was meant to be") {
  const std::vector<std::string> known = {"concurrency", "config", "timeout", "input"};
  CHECK(SuggestFlag("--concurency", known) == "--concurrency");
  CHECK(SuggestFlag("--concurrency=5", known) == "--concurrency");
  CHECK(SuggestFlag("--timout", known) == "--timeout");
  CHECK(SuggestFlag("--cnofig", known) == "--config");
  CHECK(SuggestFlag("--frobnicate", known) == "");
  CHECK(SuggestFlag("--", known) == "");
}

}  // namespace
}  // namespace pix
