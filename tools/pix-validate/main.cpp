// pix-validate: checks that fetched files are usable images, measures them,
// hashes them and scores their quality; marks the unusable ones invalid.
#include <cstdlib>
#include <memory>
#include <thread>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/memory_budget.h"
#include "base/resources.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "config/dataset_config.h"
#include "http/http_flags.h"
#include "jsonl/parallel_stage.h"
#include "llm/llm_flags.h"
#include "validate/quality_judge.h"
#include "validate/validator.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-validate", "Check, measure, hash and score the image of every record");
  pix::CommonOptions common;
  pix::ValidateOptions o;
  int concurrency = 0;  // one per CPU; not a CPU count, so --help is the same on every machine
  pix::AddCommonFlags(&cli, &common);
  cli.AddConcurrency(&concurrency, "Worker threads, each examining one image (0: one per CPU)",
                     true);
  std::string max_memory = "auto";  // a share of RAM; not a number, so --help is the same everywhere
  cli.app()
      .add_option("--max-memory", max_memory,
                  "Memory the workers' decodes share; a big image waits for room (auto: 1/4 of RAM)")
      ->type_name("SIZE")
      ->check(CLI::Validator(
          [](std::string& v) {
            auto size = v == "auto" ? pix::Result<uint64_t>(uint64_t{0}) : pix::ParseByteSize(v);
            return size.ok() ? std::string() : size.status().message();
          },
          "", "SIZE"))
      ->capture_default_str();
  CLI::App& app = cli.app();
  const std::map<std::string, pix::ValidateLevel> levels = {
      {"fast", pix::ValidateLevel::kFast}, {"medium", pix::ValidateLevel::kMedium}, {"slow", pix::ValidateLevel::kSlow}};
  const std::map<std::string, pix::HashMode> hashes = {
      {"exact", pix::HashMode::kExact}, {"fast", pix::HashMode::kFast}, {"none", pix::HashMode::kNone}};
  std::string level = "medium", hash = "exact";
  bool no_metrics = false;
  app.add_option("-l,--level", level, "How deep to look: fast (headers), medium (decode, metrics, hashes), slow (+ quality score)")
      ->check(CLI::IsMember({"fast", "medium", "slow"}))
      ->capture_default_str();
  app.add_option("--base-dir", o.base_dir, "Resolve relative paths against DIR (default: the current directory)")
      ->type_name("DIR");
  app.add_option("--hash", hash,
                 "Perceptual hashes: exact (phash/dhash as Python imagehash), fast (phash_fast/dhash_fast "
                 "from a DCT-scaled decode, not imagehash-identical), none")
      ->check(CLI::IsMember({"exact", "fast", "none"}))
      ->capture_default_str();
  app.add_flag("--no-metrics", no_metrics, "Decode for hashes only: no metrics and no metric rejections");

  // Size rules.
  auto number = [&](const char* name, auto& value, const char* help, const char* unit = "N") {
    return app.add_option(name, value, help)->type_name(unit)->capture_default_str();
  };
  number("--min-width", o.min_width, "Reject images narrower than N pixels (as displayed)")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--min-height", o.min_height, "Reject images lower than N pixels (as displayed)")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--max-pixels", o.max_pixels, "Reject images of more than N pixels, before decoding (bomb budget)")
      ->check(pix::Quiet(CLI::PositiveNumber));
  number("--max-bytes", o.max_bytes, "Reject files larger than N bytes without reading them")
      ->check(pix::Quiet(CLI::PositiveNumber));
  number("--min-bytes", o.min_bytes, "Reject files smaller than N bytes (0: no rule)");
  number("--min-aspect", o.min_aspect, "Reject when min(w/h, h/w) is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--max-trailing-bytes", o.max_trailing_bytes, "Reject more than N bytes after the image's end (-1: any)")
      ->check(pix::Quiet(CLI::Range(int64_t{-1}, INT64_MAX)));
  app.add_flag("--allow-animated", o.allow_animated, "Accept animated PNG/WebP (the first frame is examined)");

  // Metric thresholds.
  number("--dark", o.dark_p99, "Reject as dark when the 99th luma percentile is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--light", o.light_p05, "Reject as overexposed when the 5th luma percentile is above X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-contrast", o.min_contrast, "Reject when RMS contrast is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-entropy", o.min_entropy, "Reject as low information below X bits of luma entropy", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 8.0)));
  number("--min-sharpness", o.min_sharpness, "Reject as blurry when the Laplacian variance is below X", "X")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--max-uniform", o.max_uniform_fraction, "Reject as near uniform when this share of pixels is one colour", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-jpeg-quality", o.min_jpeg_quality, "Reject JPEGs whose estimated quality is below N (0: no rule)")
      ->check(pix::Quiet(CLI::Range(0, 100)));
  app.add_flag("--reject-grayscale", o.reject_grayscale, "Reject images without colour");
  app.add_flag("--exif-gps", o.exif_gps, "Also write GPS coordinates found in EXIF (off for privacy)");
  number("--min-quality", o.min_quality, "Reject when the quality score (slow level) is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));

  // The AI judge (slow level): a vision model over the --llm-* endpoint.
  bool judge = false;
  pix::JudgeOptions judge_options;
  pix::LlmFlags llm_flags;
  pix::NetworkFlags network;
  std::string config_path;
  app.add_flag("--judge", judge, "Slow level: also ask a vision model (--llm-*) for a quality judgement");
  number("--judge-weight", judge_options.weight, "Share of the quality score given to the judge", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--judge-concurrency", judge_options.concurrency,
         "Judge requests in flight at once, across all threads")
      ->check(pix::Quiet(CLI::Range(1, 64)));
  cli.AddConfig(&config_path);
  pix::AddLlmFlags(cli, &llm_flags);
  pix::AddNetworkFlags(cli, &network, judge_options.http);
  if (auto code = cli.Parse(argc, argv)) return *code;

  o.level = levels.at(level);
  o.hash = hashes.at(hash);
  o.metrics = !no_metrics;
  o.max_memory = max_memory == "auto" ? pix::PhysicalMemoryBytes() / 4 : *pix::ParseByteSize(max_memory);
  pix::Terminal terminal(cli.name(), common.quiet);
  if (o.min_quality > 0 && o.level != pix::ValidateLevel::kSlow) {
    terminal.Error("--min-quality needs --level slow");
    return pix::kExitUsage;
  }
  if (no_metrics && o.level == pix::ValidateLevel::kSlow) {
    terminal.Error("--no-metrics cannot be combined with --level slow (the score needs the metrics)");
    return pix::kExitUsage;
  }
  concurrency = pix::ResolveConcurrency(concurrency);
  std::unique_ptr<pix::QualityJudge> quality_judge;
  if (judge) {
    if (o.level != pix::ValidateLevel::kSlow) {
      terminal.Error("--judge needs --level slow");
      return pix::kExitUsage;
    }
    if (!config_path.empty()) {
      auto loaded = pix::LoadDatasetConfig(config_path);
      if (!loaded.ok()) {
        terminal.Error(loaded.status().message());
        return pix::kExitUsage;
      }
      judge_options.llm = loaded->llm;
    }
    pix::Status s = llm_flags.ApplyTo(&judge_options.llm, true, pix::ProcessEnv);
    if (s.ok()) s = network.ApplyTo(&judge_options.http);
    if (s.ok() && judge_options.llm.endpoint.model.empty()) s = pix::Status::InvalidArgument("--judge needs --llm-model");
    if (!s.ok()) {
      terminal.Error(s.message());
      return pix::kExitUsage;
    }
    if (app.count("--timeout")) judge_options.llm.endpoint.timeout = judge_options.http.timeout;
    quality_judge = std::make_unique<pix::QualityJudge>(std::move(judge_options));
  }
  pix::InstallSignalHandlers();
  const pix::Validator validator(o, quality_judge.get());
  pix::ParallelStageHooks hooks;
  hooks.summary = [&] {
    return validator.Summary() + (quality_judge ? "; " + quality_judge->Summary() : "");
  };
  return pix::RunParallelMapStage(
      "validate", common, &terminal, concurrency,
      [&](pix::Record& record) { return validator.Validate(&record); }, hooks);
}
