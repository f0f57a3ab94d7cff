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

TEST_CASE(
    "a malformed line ends the run; every record before it is done, every one after it "
    "that was read is written unstarted") {
  for (int concurrency : {1, 4}) {
    StageFiles files(Lines(50, 30));
    Terminal terminal("pix-test", true);
    CHECK(RunParallelMapStage("test", files.options, &terminal, concurrency, Mark()) == kExitFatal);
    auto out = files.Output();
    // The whole small input was read at once: the 19 lines after the bad one
    // are written, saying they were never started and why.
    REQUIRE(out.size() == 49);
    for (size_t i = 0; i < out.size(); ++i) {
      if (i < 30) {
        CHECK(out[i].find("\"seen\":true") != std::string::npos);
      } else {
        CHECK(out[i].find("{\"i\":" + std::to_string(i + 1) +
                          ",\"error\":{\"stage\":\"test\","
                          "\"code\":\"interrupted\"") == 0);
        CHECK(out[i].find("before this record was started") != std::string::npos);
        CHECK(out[i].find(":31: ") != std::string::npos);
      }
    }
    CHECK(files.Stats().find("\"status\":\"corruption\"") != std::string::npos);
    CHECK(files.Stats().find("\"read\":49,\"written\":49") != std::string::npos);
  }
}

TEST_CASE("records read ahead but never started are written after a stop") {
  for (const Status& why : {Status::Interrupted(), Status::IoError("disk gone")}) {
    StageFiles files(Lines(100));
    Terminal terminal("pix-test", true);
    auto io = StageIo::Open("test", files.options, &terminal);
    REQUIRE(io.ok());
    (*io)->StartReadAhead(8, [] {});
    Record first;
    for (;;) {  // wait for the reading thread's first record
      auto state = (*io)->TryRead(&first);
      REQUIRE(state.ok());
      if (*state == StageIo::ReadState::kRecord) break;
      ::usleep(1000);
    }
    first.SetBool("seen", true);
    REQUIRE((*io)->Write(first).ok());
    CHECK((*io)->Finish(why) != kExitOk);
    auto out = files.Output();
    // Some records were queued by the thread, the rest were in the reader's
    // buffer: all 99 are written, in order, none of them started.
    REQUIRE(out.size() == 100);
    CHECK(out[0] == "{\"i\":0,\"seen\":true}");
    for (int i = 1; i < 100; ++i) {
      CHECK(out[i].find("{\"i\":" + std::to_string(i) +
                        ",\"error\":{\"stage\":\"test\","
                        "\"code\":\"interrupted\"") == 0);
    }
    CHECK(files.Stats().find("\"read\":100,\"written\":100,\"ok\":1,\"failed\":99") !=
          std::string::npos);
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
    // Every record is written (the small input was read whole): record 10
    // says why the run stopped, in the stage's name; those after it were
    // either done before the loop noticed or are written unstarted.
    REQUIRE(out.size() == 40);
    for (size_t i = 0; i < out.size(); ++i) {
      CHECK(out[i].find("{\"i\":" + std::to_string(i)) == 0);
      const bool seen = out[i].find("\"seen\":true") != std::string::npos;
      const bool unstarted = out[i].find("before this record was started") != std::string::npos;
      if (i == 10) {
        CHECK(out[i].find("\"error\":{\"stage\":\"test\",\"code\":\"interrupted\"") !=
              std::string::npos);
        CHECK(out[i].find("disk full") != std::string::npos);
      } else if (i < 10) {
        CHECK(seen);
      } else {
        CHECK(seen != unstarted);
      }
    }
    CHECK(files.Stats().find("\"status\":\"io_error\"") != std::string::npos);
  }
}

TEST_CASE("records that arrive failed pass through in their place, untouched") {
  StageFiles files(
      "{\"i\":0}\n{\"i\":1,\"error\":{\"stage\":\"fetch\",\"code\":\"x\"}}\n{\"i\":2}\n");
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
