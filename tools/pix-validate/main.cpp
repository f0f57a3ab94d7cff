// pix-validate: checks that fetched files are usable images, measures them,
// hashes them and scores their quality; marks the unusable ones invalid.
#include <cstdlib>
#include <functional>
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
  bool no_crop_hashes = false;
  app.add_flag("--no-crop-hashes", no_crop_hashes,
               "Do not write crop_hashes (the window hashes pix-dedup finds crops with)");
  app.add_flag("--no-metrics", no_metrics, "Decode for hashes only: no metrics and no metric rejections");

  // Options that dataset.yaml's `validate:` section also sets: `given` copies
  // those named on the command line over the file's values.
  std::vector<std::function<void(pix::ValidateOptions*)>> given;
  auto number = [&](const char* name, auto member, const char* help, const char* unit = "N") {
    CLI::Option* option = app.add_option(name, o.*member, help)->type_name(unit)->capture_default_str();
    given.push_back([&o, option, member](pix::ValidateOptions* to) {
      if (option->count() > 0) to->*member = o.*member;
    });
    return option;
  };
  using V = pix::ValidateOptions;
  number("--min-width", &V::min_width, "Reject images narrower than N pixels (as displayed)")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--min-height", &V::min_height, "Reject images lower than N pixels (as displayed)")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--max-pixels", &V::max_pixels, "Reject images of more than N pixels, before decoding (bomb budget)")
      ->check(pix::Quiet(CLI::PositiveNumber));
  number("--max-bytes", &V::max_bytes, "Reject files larger than N bytes without reading them")
      ->check(pix::Quiet(CLI::PositiveNumber));
  number("--min-bytes", &V::min_bytes, "Reject files smaller than N bytes (0: no rule)");
  number("--min-aspect", &V::min_aspect, "Reject when min(w/h, h/w) is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--max-trailing-bytes", &V::max_trailing_bytes, "Reject more than N bytes after the image's end (-1: any)")
      ->check(pix::Quiet(CLI::Range(int64_t{-1}, INT64_MAX)));
  app.add_flag("--allow-animated", o.allow_animated, "Accept animated PNG/WebP (the first frame is examined)");

  // Content flags: they mark a valid image and reject it only when listed
  // in --reject-flags.
  number("--dark", &V::dark_p99, "Flag as dark when the 99th luma percentile is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--light", &V::light_p05, "Flag as overexposed when the 5th luma percentile is above X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-contrast", &V::min_contrast, "Flag as low_contrast when RMS contrast is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-entropy", &V::min_entropy, "Flag as low_information below X bits of luma entropy", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 8.0)));
  number("--min-sharpness", &V::min_sharpness, "Flag as blurry when the Laplacian variance is below X", "X")
      ->check(pix::Quiet(CLI::NonNegativeNumber));
  number("--max-uniform", &V::max_uniform_fraction, "Flag as near_uniform when this share of pixels is one colour", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  number("--min-jpeg-quality", &V::min_jpeg_quality, "Flag JPEGs whose estimated quality is below N (0: no rule)")
      ->check(pix::Quiet(CLI::Range(0, 100)));
  number("--blank", &V::blank_fraction, "Reject as blank when this share of pixels is one colour", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  std::vector<std::string> reject_flags;
  CLI::Option* reject_flags_option =
      app.add_option("--reject-flags", reject_flags,
                     "Reject images with these content flags: LIST of codes, all, or none (default: none)")
          ->type_name("LIST")
          ->delimiter(',');
  bool reject_grayscale = false;
  app.add_flag("--reject-grayscale", reject_grayscale, "Reject images without colour (adds grayscale to --reject-flags)");
  app.add_flag("--exif-gps", o.exif_gps, "Also write GPS coordinates found in EXIF (off for privacy)");
  number("--min-quality", &V::min_quality, "Reject when the quality score (slow level) is below X", "X")
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));

  // The AI judge (slow level): a vision model over the --llm-* endpoint.
  bool judge = false;
  pix::JudgeOptions judge_options;
  pix::LlmFlags llm_flags;
  pix::NetworkFlags network;
  std::string config_path;
  app.add_flag("--judge", judge, "Slow level: also ask a vision model (--llm-*) for a quality judgement");
  app.add_option("--judge-weight", judge_options.weight, "Share of the quality score given to the judge")
      ->type_name("X")
      ->capture_default_str()
      ->check(pix::Quiet(CLI::Range(0.0, 1.0)));
  app.add_option("--judge-concurrency", judge_options.concurrency,
                 "Judge requests in flight at once, across all threads")
      ->type_name("N")
      ->capture_default_str()
      ->check(pix::Quiet(CLI::Range(1, 64)));
  cli.AddConfig(&config_path);
  pix::AddLlmFlags(cli, &llm_flags);
  pix::AddNetworkFlags(cli, &network, judge_options.http);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  pix::DatasetConfig config;
  if (!config_path.empty()) {
    auto loaded = pix::LoadDatasetConfig(config_path);
    if (!loaded.ok()) {
      terminal.Error(loaded.status().message());
      return pix::kExitUsage;
    }
    config = std::move(loaded).value();
    pix::ValidateOptions merged = config.validate;
    for (const auto& copy : given) copy(&merged);
    merged.base_dir = o.base_dir;
    merged.exif_gps = o.exif_gps;
    merged.allow_animated = merged.allow_animated || o.allow_animated;
    o = std::move(merged);
  }
  if (app.count("--level") || config_path.empty()) o.level = levels.at(level);
  o.hash = hashes.at(hash);
  o.metrics = !no_metrics;
  if (no_crop_hashes) o.crop_hashes = false;
  o.max_memory = max_memory == "auto" ? pix::PhysicalMemoryBytes() / 4 : *pix::ParseByteSize(max_memory);
  if (reject_flags_option->count() > 0 || reject_grayscale) {
    if (reject_grayscale) reject_flags.push_back("grayscale");
    auto parsed = pix::ParseRejectFlags(reject_flags);
    if (!parsed.ok()) {
      terminal.Error("--reject-flags: " + parsed.status().message());
      return pix::kExitUsage;
    }
    o.reject_flags = *parsed;
  }
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
    if (!config_path.empty()) judge_options.llm = config.llm;
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
