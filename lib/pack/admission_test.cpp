#include "pack/admission.h"

#include <doctest/doctest.h>

#include "pack/run_counts.h"

namespace pix {
namespace {

Record Parse(std::string_view json) {
  RecordParser parser;
  auto r = Record::Parse(json, parser);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("CheckAdmission lets in valid, labelled, downloaded originals only") {
  const auto ok = Parse(R"({"label":"cat","path":"a.jpg","valid":true,"dup_of":null})");
  CHECK(!CheckAdmission(ok));
  struct Case {
    const char* json;
    const char* reason;
    const char* detail;
  } cases[] = {
      {R"({"label":"cat","path":"a","valid":true,"error":{"stage":"fetch","code":"http_404"}})",
       "failed", "fetch/http_404"},
      {R"({"label":"cat","path":"a"})", "not_validated", ""},
      {R"({"label":"cat","path":"a","valid":false,"reject":["truncated","too_small"]})", "invalid",
       "truncated,too_small"},
      {R"({"label":"cat","path":"a","valid":true,"dup_of":"https://x/a.jpg"})", "duplicate",
       "https://x/a.jpg"},
      {R"({"label":"cat","path":"a","valid":true,"dropped":true})", "dropped", ""},
      {R"({"path":"a","valid":true})", "no_label", ""},
      {R"({"label":"","path":"a","valid":true})", "no_label", ""},
      {R"({"label":"cat","valid":true})", "no_file", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    auto v = CheckAdmission(Parse(c.json));
    REQUIRE(v);
    CHECK(v->reason == c.reason);
    CHECK(v->detail == c.detail);
  }
  CHECK(IsFaultReason("missing_file"));
  CHECK(!IsFaultReason("duplicate"));
}

TEST_CASE("RunCounts reads the pipeline's facts from the records") {
  RunCounts c;
  c.Count(Parse(R"({"url":"u1","error":{"stage":"fetch","code":"http_404"}})"));
  c.Count(Parse(R"({"url":"u2","sha256":"x","valid":false,"reject":["blank"]})"));
  c.Count(Parse(R"({"url":"u3","sha256":"y","valid":true,"dup_of":"u4","label":"cat"})"));
  c.Count(Parse(
      R"({"url":"u4","sha256":"z","valid":true,"label":"dog","label_evidence":{"original_label":"cat"}})"));
  CHECK(c.found == 4);
  CHECK(c.fetched == 3);
  CHECK(c.failed["fetch/http_404"] == 1);
  CHECK(c.invalid["blank"] == 1);
  CHECK(c.duplicates == 1);
  CHECK(c.relabelled == 1);
  CHECK(c.ToJson().find("\"found\":4") != std::string::npos);
}

}  // namespace
}  // namespace pix
