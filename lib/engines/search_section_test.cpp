#include "engines/search_section.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

Result<SearchOptions> Parse(std::string_view yaml, const std::string& file) {
  PIX_ASSIGN_OR_RETURN(DatasetConfig config, ParseDatasetConfig(yaml, file));
  return ParseSearchSection(config);
}

TEST_CASE("search section: the search section of a dataset.yaml") {
  auto config = Parse(R"(
name: foxes
classes: [red fox]
search:
  engines: [wikimedia, openverse]
  max: 30
  every_engine: true
  types: jpeg, png
  min_width: 200
  license: [open]
  safe: strict
  engine_options:
    wikimedia: {contact: me@example.org, interval: 1.5}
    flickr:
      api_key_env: MY_FLICKR
)",
                      "dataset.yaml");
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  SearchOptions& o = *config;
  CHECK(o.engines == std::vector<std::string>{"wikimedia", "openverse"});
  CHECK(o.max_results == 30);
  CHECK(o.every_engine);
  CHECK(o.filters.types == std::vector<std::string>{"jpg", "png"});
  CHECK(o.filters.min_width == 200);
  CHECK(o.filters.licenses.size() == 6);
  CHECK(o.filters.safe == SafeSearch::kStrict);
  CHECK(o.engine_configs["wikimedia"].Param("contact") == "me@example.org");
  CHECK(o.engine_configs["wikimedia"].interval_s == 1.5);
  CHECK(o.engine_configs["flickr"].api_key_env == "MY_FLICKR");
  CHECK(o.engine_configs["flickr"].api_key.empty());  // keys never come from the file
}

TEST_CASE("search section: errors name file, line, column and key") {
  auto error = [](const std::string& yaml) {
    auto config = Parse(yaml, "d.yaml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == StatusCode::kInvalidArgument);
    return config.status().message();
  };
  CHECK(error("search:\n  engines: bing\n  maxx: 3\n")
            .rfind("d.yaml:3:3: unknown key \"search.maxx\"", 0) == 0);
  CHECK(error("search:\n  engine_options:\n    bing: {contact: x}\n")
            .rfind("d.yaml:3:12: search.engine_options.bing.contact: bing has no setting 'contact'",
                   0) == 0);
  CHECK(
      error("search:\n  engine_options:\n    altavista: {}\n").find("unknown engine 'altavista'") !=
      std::string::npos);
  CHECK(error("search:\n  engines: [bing, altavista]\n").find("unknown engine 'altavista'") !=
        std::string::npos);
  CHECK(error("search:\n  max: [1\n").rfind("d.yaml:", 0) == 0);
  CHECK(error("search:\n  max: many\n").find("search.max") != std::string::npos);
  CHECK(error("search:\n  max: 0\n").find("search.max: must be at least 1") != std::string::npos);
  CHECK(error("search:\n  types: [jpg, exe]\n").find("unknown file type 'exe'") !=
        std::string::npos);
  CHECK(error("search:\n  safe: sometimes\n").find("search.safe") != std::string::npos);
  CHECK(Parse("classes: [a]\n", "d.yaml").ok());
}

}  // namespace
}  // namespace pix
