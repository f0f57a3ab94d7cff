#include "keywords/query_template.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("templates: apply and check") {
  CHECK(ApplyQueryTemplate("{label} photo", "red fox") == "red fox photo");
  CHECK(ApplyQueryTemplate("{label} vs {label}", "x") == "x vs x");
  CHECK(ApplyQueryTemplate("{{{label}}}", "x") == "{x}");
  CHECK(CheckQueryTemplate("{label} photo").ok());
  CHECK(CheckQueryTemplate("photo").message().find("no {label}") != std::string::npos);
  CHECK(CheckQueryTemplate("{lable} photo").message().find("unknown placeholder {lable}") !=
        std::string::npos);
  CHECK(CheckQueryTemplate("{label photo").code() == StatusCode::kInvalidArgument);
  CHECK(CheckQueryTemplate("{label} }").code() == StatusCode::kInvalidArgument);
  for (const auto& t : DefaultQueryTemplates()) CHECK(CheckQueryTemplate(t).ok());
}

}  // namespace
}  // namespace pix
