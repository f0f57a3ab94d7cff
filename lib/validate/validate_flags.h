// pix-validate's command line: its flags, and their resolution with
// dataset.yaml's `validate:` section and `llm:` endpoint into the run's
// options and the optional AI judge. Kept in the library so the tool's
// main() stays flags -> ResolveValidateOptions() -> RunParallelMapStage(),
// and so the flag rules (--min-quality and --judge need --level slow,
// --no-metrics excludes it, which flag beats which key) are testable without
// a process.
//
// Precedence: a flag given on the command line beats the file's key, which
// beats the library default (ValidateOptions). Failure modes: kInvalidArgument
// naming the flag or key to fix (the tool exits 2). Thread-safety: values;
// the flags are bound to one ToolCli.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "http/http_flags.h"
#include "llm/llm_flags.h"
#include "validate/quality_judge.h"
#include "validate/validator.h"

namespace pix {

struct ValidateFlags {
  // What the flags set directly; the numeric thresholds are copied over the
  // config file's values only when given (see `given`).
  ValidateOptions options;
  int concurrency = 0;              // 0: one per CPU
  std::string max_memory = "auto";  // a size, or auto: 1/4 of RAM
  std::string level = "medium";
  std::string hash = "exact";
  bool no_metrics = false;
  bool no_crop_hashes = false;
  std::vector<std::string> reject_flags;
  bool reject_grayscale = false;
  std::string config_path;
  bool judge = false;
  JudgeOptions judge_options;
  LlmFlags llm;
  NetworkFlags network;

  // Set while parsing: copies each threshold given on the command line into
  // an options struct, and the parser, to ask which flags were given.
  std::vector<std::function<void(ValidateOptions*)>> given;
  const CLI::App* app = nullptr;
};

// Adds pix-validate's flags (besides the shared -i/-o/...) to `cli`, writing
// into `flags`, which must outlive the parse and the resolution.
void AddValidateFlags(ToolCli& cli, ValidateFlags* flags);

struct ValidateSetup {
  ValidateOptions options;
  int concurrency = 1;                  // resolved: at least 1
  std::unique_ptr<QualityJudge> judge;  // null unless --judge
};

// Reads --config's file (when given) and combines it with the flags.
// `env` reads the model's API key; `physical_memory` sizes --max-memory auto.
Result<std::unique_ptr<ValidateSetup>> ResolveValidateOptions(const ValidateFlags& flags,
                                                              const EnvLookup& env,
                                                              uint64_t physical_memory);

}  // namespace pix
