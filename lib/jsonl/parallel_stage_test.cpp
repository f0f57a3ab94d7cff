#include "jsonl/parallel_stage.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/exit_code.h"
#include "base/files.h"

namespace pix {
namespace {

// A stage run over files in a fresh temporary directory.
struct StageFiles {
  std::string dir;
  CommonOptions options;

  explicit StageFiles(const std::string& input) {
    char tmpl[] = "/tmp/pix-stage-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
    options.input = dir + "/in.jsonl";
    options.output = dir + "/out.jsonl";
    options.stats_path = dir + "/stats.json";
    options.quiet = true;
    REQUIRE(WriteFileAtomic(options.input, input).ok());
  }
  ~StageFiles() {
    for (const char* f : {"/in.jsonl", "/out.jsonl", "/stats.json"}) ::unlink((dir + f).c_str());
    ::rmdir(dir.c_str());
  }
  std::vector<std::string> Output() const {
    std::ifstream in(options.output);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::string Stats() const {
    auto text = ReadFile(options.stats_path);
    return text.ok() ? *text : "";
  }
};

std::string Lines(int n, int bad_at = -1) {
  std::ostringstream out;
  for (int i = 0; i < n; ++i) {
    if (i == bad_at) {  // the malformed line
      out << "{not json\n";
    } else {
      out << "{\"i\":" << i << "}\n";
    }
  }
  return out.str();
}

ProcessFn Mark() {
  return [](Record& r) {
    r.SetBool("seen", true);
    return Status::Ok();
  };
}

TEST_CASE("the map loop writes every record in input order, for any concurrency") {
  for (int concurrency : {1, 2, 7}) {
    StageFiles files(Lines(200));
    Terminal terminal("pix-test", true);
    CHECK(RunParallelMapStage("test", files.options, &terminal, concurrency, Mark()) == kExitOk);
    auto out = files.Output();
    REQUIRE(out.size() == 200);
    for (int i = 0; i < 200; ++i) {
      CHECK(out[i] == "{\"i\":" + std::to_string(i) + ",\"seen\":true}");
    }
    CHECK(files.Stats().find("\"read\":200,\"written\":200,\"ok\":200") != std::string::npos);
  }
}

TEST_CASE("a malformed line ends the run after every record before it is written") {
  for (int concurrency : {1, 4}) {
    StageFiles files(Lines(50, 30));
    Terminal terminal("pix-test", true);
    CHECK(RunParallelMapStage("test", files.options, &terminal, concurrency, Mark()) ==
          kExitFatal);
    auto out = files.Output();
    REQUIRE(out.size() == 30);
    for (const auto& line : out) CHECK(line.find("\"seen\":true") != std::string::npos);
    CHECK(files.Stats().find("\"status\":\"corruption\"") != std::string::npos);
  }
}

TEST_CASE("a fatal error in one record's work still writes it and every record read") {
  for (int concurrency : {1, 3}) {
    StageFiles files(Lines(40));
    Terminal terminal("pix-test", true);
    ProcessFn fail_at_10 = [](Record& r) {
      if (r.GetInt("i") == 10) return Status::IoError("disk full");
      r.SetBool("seen", true);
      return Status::Ok();
    };
    CHECK(RunParallelMapStage("test", files.options, &terminal, concurrency, fail_at_10) ==
          kExitFatal);
    auto out = files.Output();
    // Record 10 and everything read before the loop noticed are written; the
    // one that failed says why, in the stage's name.
    REQUIRE(out.size() >= 11);
    for (size_t i = 0; i < out.size(); ++i) {
      CHECK(out[i].find("{\"i\":" + std::to_string(i)) == 0);
      if (i == 10) {
        CHECK(out[i].find("\"error\":{\"stage\":\"test\",\"code\":\"interrupted\"") !=
              std::string::npos);
        CHECK(out[i].find("disk full") != std::string::npos);
      } else {
        CHECK(out[i].find("\"seen\":true") != std::string::npos);
      }
    }
    CHECK(files.Stats().find("\"status\":\"io_error\"") != std::string::npos);
  }
}

TEST_CASE("records that arrive failed pass through in their place, untouched") {
  StageFiles files("{\"i\":0}\n{\"i\":1,\"error\":{\"stage\":\"fetch\",\"code\":\"x\"}}\n{\"i\":2}\n");
  Terminal terminal("pix-test", true);
  std::atomic<int> calls = 0;
  ProcessFn count = [&](Record&) {
    ++calls;
    return Status::Ok();
  };
  CHECK(RunParallelMapStage("test", files.options, &terminal, 2, count) == kExitOk);
  CHECK(calls == 2);
  auto out = files.Output();
  REQUIRE(out.size() == 3);
  CHECK(out[1] == "{\"i\":1,\"error\":{\"stage\":\"fetch\",\"code\":\"x\"}}");
  CHECK(files.Stats().find("\"passed_through\":1") != std::string::npos);
}

}  // namespace
}  // namespace pix
