#include "validate/validate_flags.h"

#include <cstdint>

#include "base/memory_budget.h"
#include "config/dataset_config.h"
#include "validate/validate_section.h"

namespace pix {
namespace {

// The flags a run needs whether or not a config file is read.
void AddRunFlags(ToolCli& cli, ValidateFlags* f) {
  CLI::App& app = cli.app();
  cli.AddConcurrency(&f->concurrency, "Worker threads, each examining one image (0: one per CPU)",
                     true);
  app.add_option("--max-memory", f->max_memory,
                 "Memory the workers' decodes share; a big image waits for room (auto: 1/4 of RAM)")
      ->type_name("SIZE")
      ->check(CLI::Validator(
          [](std::string& v) {
            auto size = v == "auto" ? Result<uint64_t>(uint64_t{0}) : ParseByteSize(v);
            return size.ok() ? std::string() : size.status().message();
          },
          "", "SIZE"))
      ->capture_default_str();
  app.add_option("-l,--level", f->level,
                 "How deep to look: fast (headers), medium (decode, metrics, hashes), slow (+ "
                 "quality score)")
      ->check(CLI::IsMember({"fast", "medium", "slow"}))
      ->capture_default_str();
  app.add_option("--base-dir", f->options.base_dir,
                 "Resolve relative paths against DIR (default: the current directory)")
      ->type_name("DIR");
  app.add_option(
         "--hash", f->hash,
         "Perceptual hashes: exact (phash/dhash as Python imagehash), fast (phash_fast/dhash_fast "
         "from a DCT-scaled decode, not imagehash-identical), none")
      ->check(CLI::IsMember({"exact", "fast", "none"}))
      ->capture_default_str();
  app.add_flag("--no-crop-hashes", f->no_crop_hashes,
               "Do not write crop_hashes and view_hashes (the window hashes pix-dedup finds crops, "
               "logos and turns with)");
  app.add_flag("--no-metrics", f->no_metrics,
               "Decode for hashes only: no metrics and no metric rejections");
}

// The thresholds dataset.yaml's `validate:` also sets; `given` copies those
// named on the command line over the file's values.
void AddThresholdFlags(ToolCli& cli, ValidateFlags* f) {
  CLI::App& app = cli.app();
  ValidateOptions& o = f->options;
  auto number = [&](const char* name, auto member, const char* help, const char* unit = "N") {
    CLI::Option* option =
        app.add_option(name, o.*member, help)->type_name(unit)->capture_default_str();
    f->given.push_back([&o, option, member](ValidateOptions* to) {
      if (option->count() > 0) to->*member = o.*member;
    });
    return option;
  };
  using V = ValidateOptions;
  number("--min-width", &V::min_width, "Reject images narrower than N pixels (as displayed)")
      ->check(Quiet(CLI::NonNegativeNumber));
  number("--min-height", &V::min_height, "Reject images lower than N pixels (as displayed)")
      ->check(Quiet(CLI::NonNegativeNumber));
  number("--max-pixels", &V::max_pixels,
         "Reject images of more than N pixels, before decoding (bomb budget)")
      ->check(Quiet(CLI::PositiveNumber));
  number("--max-bytes", &V::max_bytes, "Reject files larger than N bytes without reading them")
      ->check(Quiet(CLI::PositiveNumber));
  number("--min-bytes", &V::min_bytes, "Reject files smaller than N bytes (0: no rule)");
  number("--min-aspect", &V::min_aspect, "Reject when min(w/h, h/w) is below X", "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  number("--max-trailing-bytes", &V::max_trailing_bytes,
         "Reject more than N bytes after the image's end (-1: any)")
      ->check(Quiet(CLI::Range(int64_t{-1}, INT64_MAX)));
  app.add_flag("--allow-animated", o.allow_animated,
               "Accept animated PNG/WebP (the first frame is examined)");

  // Content flags: they mark a valid image and reject it only when listed
  // in --reject-flags.
  number("--dark", &V::dark_p99, "Flag as dark when the 99th luma percentile is below X", "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  number("--light", &V::light_p05, "Flag as overexposed when the 5th luma percentile is above X",
         "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  number("--min-contrast", &V::min_contrast, "Flag as low_contrast when RMS contrast is below X",
         "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  number("--min-entropy", &V::min_entropy, "Flag as low_information below X bits of luma entropy",
         "X")
      ->check(Quiet(CLI::Range(0.0, 8.0)));
  number("--min-sharpness", &V::min_sharpness,
         "Flag as blurry when the Laplacian variance is below X", "X")
      ->check(Quiet(CLI::NonNegativeNumber));
  number("--max-uniform", &V::max_uniform_fraction,
         "Flag as near_uniform when this share of pixels is one colour", "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  number("--min-jpeg-quality", &V::min_jpeg_quality,
         "Flag JPEGs whose estimated quality is below N (0: no rule)")
      ->check(Quiet(CLI::Range(0, 100)));
  number("--blank", &V::blank_fraction, "Reject as blank when this share of pixels is one colour",
         "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  app.add_option(
         "--reject-flags", f->reject_flags,
         "Reject images with these content flags: LIST of codes, all, or none (default: none)")
      ->type_name("LIST")
      ->delimiter(',');
  app.add_flag("--reject-grayscale", f->reject_grayscale,
               "Reject images without colour (adds grayscale to --reject-flags)");
  app.add_flag("--exif-gps", o.exif_gps,
               "Also write GPS coordinates found in EXIF (off for privacy)");
  number("--min-quality", &V::min_quality, "Reject when the quality score (slow level) is below X",
         "X")
      ->check(Quiet(CLI::Range(0.0, 1.0)));
}

// The AI judge (slow level): a vision model over the --llm-* endpoint.
void AddJudgeFlags(ToolCli& cli, ValidateFlags* f) {
  CLI::App& app = cli.app();
  app.add_flag("--judge", f->judge,
               "Slow level: also ask a vision model (--llm-*) for a quality judgement");
  app.add_option("--judge-weight", f->judge_options.weight,
                 "Share of the quality score given to the judge")
      ->type_name("X")
      ->capture_default_str()
      ->check(Quiet(CLI::Range(0.0, 1.0)));
  app.add_option("--judge-concurrency", f->judge_options.concurrency,
                 "Judge requests in flight at once, across all threads")
      ->type_name("N")
      ->capture_default_str()
      ->check(Quiet(CLI::Range(1, 64)));
  cli.AddConfig(&f->config_path);
  AddLlmFlags(cli, &f->llm);
  AddNetworkFlags(cli, &f->network, f->judge_options.http);
}

Result<std::unique_ptr<QualityJudge>> MakeJudge(const ValidateFlags& f, const ValidateOptions& o,
                                                const DatasetConfig& config, const EnvLookup& env) {
  if (o.level != ValidateLevel::kSlow) return Status::InvalidArgument("--judge needs --level slow");
  JudgeOptions judge = f.judge_options;
  if (!f.config_path.empty()) judge.llm = config.llm;
  PIX_RETURN_IF_ERROR(f.llm.ApplyTo(&judge.llm, true, env));
  PIX_RETURN_IF_ERROR(f.network.ApplyTo(&judge.http));
  if (judge.llm.endpoint.model.empty()) return Status::InvalidArgument("--judge needs --llm-model");
  if (f.app->count("--timeout")) judge.llm.endpoint.timeout = judge.http.timeout;
  return std::make_unique<QualityJudge>(std::move(judge));
}

}  // namespace

void AddValidateFlags(ToolCli& cli, ValidateFlags* f) {
  f->app = &cli.app();
  AddRunFlags(cli, f);
  AddThresholdFlags(cli, f);
  AddJudgeFlags(cli, f);
}

Result<std::unique_ptr<ValidateSetup>> ResolveValidateOptions(const ValidateFlags& f,
                                                              const EnvLookup& env,
                                                              uint64_t physical_memory) {
  auto setup = std::make_unique<ValidateSetup>();
  ValidateOptions& o = setup->options;
  o = f.options;
  DatasetConfig config;
  if (!f.config_path.empty()) {
    PIX_ASSIGN_OR_RETURN(config, LoadDatasetConfig(f.config_path));
    PIX_ASSIGN_OR_RETURN(ValidateOptions merged, ParseValidateSection(config));
    for (const auto& copy : f.given) copy(&merged);
    merged.base_dir = f.options.base_dir;
    merged.exif_gps = f.options.exif_gps;
    merged.allow_animated = merged.allow_animated || f.options.allow_animated;
    o = std::move(merged);
  }
  if (f.app->count("--level") || f.config_path.empty()) {
    PIX_ASSIGN_OR_RETURN(o.level, ParseValidateLevel(f.level));
  }
  PIX_ASSIGN_OR_RETURN(o.hash, ParseHashMode(f.hash));
  o.metrics = !f.no_metrics;
  if (f.no_crop_hashes) o.crop_hashes = false;
  if (f.max_memory == "auto") {
    o.max_memory = physical_memory / 4;
  } else {
    PIX_ASSIGN_OR_RETURN(o.max_memory, ParseByteSize(f.max_memory));
  }
  if (f.app->count("--reject-flags") > 0 || f.reject_grayscale) {
    std::vector<std::string> codes = f.reject_flags;
    if (f.reject_grayscale) codes.push_back("grayscale");
    auto parsed = ParseRejectFlags(codes);
    if (!parsed.ok())
      return Status::InvalidArgument("--reject-flags: " + parsed.status().message());
    o.reject_flags = *parsed;
  }
  if (o.min_quality > 0 && o.level != ValidateLevel::kSlow) {
    return Status::InvalidArgument("--min-quality needs --level slow");
  }
  if (f.no_metrics && o.level == ValidateLevel::kSlow) {
    return Status::InvalidArgument(
        "--no-metrics cannot be combined with --level slow (the score needs the metrics)");
  }
  setup->concurrency = ResolveConcurrency(f.concurrency);
  if (f.judge) {
    PIX_ASSIGN_OR_RETURN(setup->judge, MakeJudge(f, o, config, env));
  }
  return setup;
}

}  // namespace pix
