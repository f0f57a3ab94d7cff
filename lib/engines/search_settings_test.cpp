#include "engines/search_settings.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include "engines/search_stage.h"

namespace pix {
namespace {

// Parses a pix-search command line and resolves it.
Result<SearchOptions> Resolve(std::vector<std::string> args,
                              std::map<std::string, std::string> env = {}) {
  ToolCli cli("pix-search", "test");
  CommonOptions common;
  SearchFlags flags;
  AddCommonFlags(&cli, &common);
  AddSearchFlags(cli, &flags, SearchOptions{});
  args.insert(args.begin(), "pix-search");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  auto code = cli.Parse(static_cast<int>(argv.size()), argv.data());
  if (code) return Status::InvalidArgument("usage error");
  return ResolveSearchOptions(flags, EnvFromMap(std::move(env)));
}

}  // namespace

TEST_CASE("search settings: defaults, then config, then environment, then flags") {
  auto defaults = Resolve({});
  REQUIRE(defaults.ok());
  CHECK(defaults->engines == std::vector<std::string>{"duckduckgo", "bing", "google"});
  CHECK(defaults->max_results == 100);

  const std::string path = "/tmp/pix-search-settings-test.yaml";
  std::ofstream(path) << "search:\n  max: 7\n  engines: [bing]\n  engine_options:\n    bing:\n"
                         "      base_url: http://config.example\n      market: de-DE\n"
                         "    flickr: {api_key_env: MY_FLICKR}\n";
  auto layered = Resolve({"--config", path, "--engine-opt", "bing.market=fr-FR"},
                         {{"PIX_ENGINE_BING_BASE_URL", "http://env.example"},
                          {"PIX_ENGINE_BING_MARKET", "it-IT"},
                          {"MY_FLICKR", "fk"}});
  REQUIRE_MESSAGE(layered.ok(), layered.status().message());
  CHECK(layered->engine_configs["flickr"].api_key == "fk");  // named by the config, read from env
  CHECK(layered->max_results == 7);
  CHECK(layered->engines == std::vector<std::string>{"bing"});
  CHECK(layered->engine_configs["bing"].base_url == "http://env.example");  // env over config
  CHECK(layered->engine_configs["bing"].Param("market") == "fr-FR");        // flag over env

  auto flags = Resolve({"--config", path, "--max", "3", "-e", "wikimedia,bing", "--base-url",
                        "bing=http://flag.example/", "--types", "png", "--types", "gif,webp",
                        "--license", "cc0,by", "--safe", "off", "--user-agent", "me/1"},
                       {{"PIX_ENGINE_BING_BASE_URL", "http://env.example"}});
  REQUIRE_MESSAGE(flags.ok(), flags.status().message());
  CHECK(flags->max_results == 3);
  CHECK(flags->engines == std::vector<std::string>{"wikimedia", "bing"});
  CHECK(flags->engine_configs["bing"].base_url == "http://flag.example");
  CHECK(flags->filters.types == std::vector<std::string>{"png", "gif", "webp"});
  CHECK(flags->filters.licenses == std::vector<std::string>{"cc0", "by"});
  CHECK(flags->filters.safe == SafeSearch::kOff);
  CHECK(flags->engine_configs["duckduckgo"].user_agent == "me/1");
  std::remove(path.c_str());

  CHECK_FALSE(Resolve({"-e", "bing,altavista"}).ok());
  CHECK_FALSE(Resolve({"--engine-opt", "bing=x"}).ok());
  CHECK_FALSE(Resolve({"--base-url", "bing"}).ok());
  CHECK_FALSE(Resolve({"--license", "free"}).ok());
  CHECK_FALSE(Resolve({}, {{"PIX_ENGINE_BING_CONCURRENCY", "lots"}}).ok());
  CHECK_FALSE(Resolve({"--config", "/nonexistent/d.yaml"}).ok());
}

TEST_CASE("MaskSecrets hides keys and tokens in request URLs") {
  CHECK(MaskSecrets("https://www.googleapis.com/customsearch/v1?key=AIzaSecret&cx=abc&q=cats") ==
        "https://www.googleapis.com/customsearch/v1?key=***&cx=abc&q=cats");
  CHECK(MaskSecrets("https://api.flickr.com/services/rest/?method=x&api_key=123") ==
        "https://api.flickr.com/services/rest/?method=x&api_key=***");
  CHECK(MaskSecrets("https://a.org/x") == "https://a.org/x");
}

TEST_CASE("search settings: a client secret comes from the environment only") {
  // Never as a value on the command line (ps, shell history) or in the file.
  auto flag = Resolve({"--engine-opt", "openverse.client_secret=s3cret"});
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.status().message().find("PIX_ENGINE_OPENVERSE_CLIENT_SECRET") != std::string::npos);
  CHECK(flag.status().message().find("s3cret") == std::string::npos);
  const std::string path = "/tmp/pix-search-secret-test.yaml";
  std::ofstream(path) << "search:\n  engine_options:\n    openverse: {client_secret: s3cret}\n";
  auto file = Resolve({"--config", path});
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().message().find("client_secret_env") != std::string::npos);

  // Straight from its own variable, or from one the file or a flag names.
  auto env = Resolve({"--engine-opt", "openverse.client_id=app"},
                     {{"PIX_ENGINE_OPENVERSE_CLIENT_SECRET", "s1"}});
  REQUIRE_MESSAGE(env.ok(), env.status().message());
  CHECK(env->engine_configs["openverse"].Param("client_secret") == "s1");
  std::ofstream(path) << "search:\n  engine_options:\n"
                         "    openverse: {client_id: app, client_secret_env: MY_OV}\n";
  auto named = Resolve({"--config", path}, {{"MY_OV", "s2"}});
  REQUIRE_MESSAGE(named.ok(), named.status().message());
  CHECK(named->engine_configs["openverse"].Param("client_id") == "app");
  CHECK(named->engine_configs["openverse"].Param("client_secret") == "s2");
  auto by_flag = Resolve({"--engine-opt", "openverse.client_secret_env=OTHER"}, {{"OTHER", "s3"}});
  REQUIRE_MESSAGE(by_flag.ok(), by_flag.status().message());
  CHECK(by_flag->engine_configs["openverse"].Param("client_secret") == "s3");
  auto unset = Resolve({"--config", path});
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().message().find("MY_OV") != std::string::npos);
  // api_key_env may be given by flag too.
  auto key = Resolve({"--engine-opt", "flickr.api_key_env=FK"}, {{"FK", "k"}});
  REQUIRE_MESSAGE(key.ok(), key.status().message());
  CHECK(key->engine_configs["flickr"].api_key == "k");
  std::remove(path.c_str());
}

}  // namespace pix
