#include "pack/pack_flags.h"

#include <ctime>

namespace pix {

void AddArchiveFlags(ToolCli* cli, ArchiveOptions* archive, const std::string& threads_help) {
  cli->app()
      .add_option("--level", archive->level, "Compression level (default: 6 for 7z, 19 for zstd)")
      ->type_name("N")
      ->check(Quiet(CLI::Range(0, 22)));
  cli->AddConcurrency(&archive->threads, threads_help)->default_str("");
}

void AddVerifyFlags(ToolCli* cli, VerifyFlags* flags) {
  cli->app().add_option("TARGET", flags->target, "Dataset folder or archive")->required();
  cli->AddQuiet(&flags->quiet);
}

void AddTierFlags(ToolCli* cli, TierFlags* flags) {
  CLI::App& app = cli->app();
  app.add_option("TARGET", flags->target,
                 "Dataset folder or archive; with --older-than, a folder of them")
      ->required();
  app.add_option("--to", flags->to, "Tier to move to")
      ->check(CLI::IsMember({"hot", "warm", "archive"}))
      ->required();
  app.add_option("--older-than", flags->older_than,
                 "Move every dataset in TARGET last changed more than AGE ago (7d, 12h, 30m)")
      ->type_name("AGE");
  AddArchiveFlags(cli, &flags->archive,
                  "zstd threads for the archive tier (default: one per CPU)");
  cli->AddQuiet(&flags->quiet);
}

void AddPackFlags(ToolCli* cli, CommonOptions* common, PackFlags* flags, PackOptions* options) {
  CLI::App& app = cli->app();
  // The reading half of AddCommonFlags: -o names the dataset here, not a
  // record file.
  app.add_option("-i,--input", common->input, "Read records from FILE (- for stdin)")
      ->type_name("FILE")
      ->capture_default_str();
  cli->AddQuiet(&common->quiet);
  app.add_flag("--skip-invalid", common->skip_invalid,
               "Skip malformed input lines, count them, and go on");
  app.add_option("--max-line-bytes", common->max_line_bytes,
                 "Reject input lines longer than N bytes")
      ->type_name("N")
      ->check(Quiet(CLI::Range(size_t{2}, size_t{1} << 30)))
      ->capture_default_str();
  app.add_option("--stats", common->stats_path,
                 "Write the run's counters to FILE as JSON when it ends (see pix(7))")
      ->type_name("FILE");
  app.add_option("-o,--output", options->output_dir,
                 "The dataset folder (required; created, or added to)")
      ->type_name("DIR");
  common->output.clear();  // no record output unless --records
  app.add_option("--records", common->output,
                 "Also write every record, with dataset_path/split or why it was left out, to FILE "
                 "(- for stdout)")
      ->type_name("FILE");
  app.add_flag("--line-buffered", common->line_buffered,
               "Flush --records after every record (default: only on a terminal)");
  app.add_option("--base", options->base_dir,
                 "Resolve relative record paths against DIR (where pix-fetch ran)")
      ->type_name("DIR");
  app.add_option("--split", options->split,
                 "Split folders by image hash, e.g. train=0.8,val=0.1,test=0.1")
      ->type_name("SPEC");
  app.add_flag("--copy", flags->copy, "Copy images instead of hard-linking them");
  app.add_flag("--reflink", flags->reflink,
               "Clone images (copy-on-write) where the file system can, else copy");
  app.add_flag("--move", options->move,
               "Remove the downloaded files once the dataset holding them is complete");
  app.add_option("--tier", flags->tier,
                 "Also write an archive: hot (stored zip), warm (7z), archive (tar.zst)")
      ->check(CLI::IsMember({"hot", "warm", "archive"}));
  AddArchiveFlags(cli, &options->archive, "zstd threads for --tier archive (default: one per CPU)");
  app.add_option("--name", options->name, "The dataset's name (default: the folder's name)")
      ->type_name("NAME");
  app.add_option("--resize", flags->resize,
                 "Resize images: N (shorter side, or see --resize-mode) or WxH (centre crop)")
      ->type_name("SIZE");
  app.add_option("--resize-mode", flags->resize_mode, "How --resize fits the image")
      ->check(CLI::IsMember({"shorter", "longer", "crop", "pad"}));
  app.add_option("--format", flags->format, "Re-encode images to this format (EXIF/GPS stripped)")
      ->check(CLI::IsMember({"jpeg", "png", "webp"}));
  app.add_option("--quality", flags->quality, "JPEG/WebP quality when re-encoding")
      ->type_name("N")
      ->check(Quiet(CLI::Range(1, 100)))
      ->capture_default_str();
  app.add_flag("--webdataset", flags->webdataset,
               "Also write WebDataset tar shards (NAME-000000.tar) at the dataset root");
  app.add_option("--shard-size", flags->shard_size, "Samples per WebDataset shard")
      ->type_name("N")
      ->check(Quiet(CLI::Range(size_t{1}, size_t{10'000'000})))
      ->capture_default_str();
  app.add_flag("--no-report", flags->no_report, "Do not write report.json and report.html");
  app.add_option("--thumbnails", options->report_options.kept_per_label,
                 "Thumbnails of kept images per label in report.html")
      ->type_name("N")
      ->check(Quiet(CLI::Range(0, 1000)))
      ->capture_default_str();
}

std::string Rfc3339Utc(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void ResolveArchiveOptions(ArchiveOptions* archive) {
  archive->threads = ResolveConcurrency(archive->threads);
}

Result<PackOptions> ResolvePackOptions(const PackFlags& flags, PackOptions options,
                                       const EnvLookup& env, time_t now) {
  if (options.output_dir.empty()) {
    return Status::InvalidArgument("-o DIR is required: the dataset folder to write");
  }
  if (flags.copy && flags.reflink) {
    return Status::InvalidArgument("--copy and --reflink exclude each other");
  }
  PIX_ASSIGN_OR_RETURN(options.normalize, ParseNormalizeOptions(flags.resize, flags.resize_mode,
                                                                flags.format, flags.quality));
  if (flags.copy) options.place = PlaceMode::kCopy;
  if (flags.reflink) options.place = PlaceMode::kReflink;
  if (!flags.tier.empty()) options.tier = ParseTier(flags.tier);
  ResolveArchiveOptions(&options.archive);
  options.report = !flags.no_report;
  if (flags.webdataset) options.webdataset_shard_size = flags.shard_size;
  // pix-run sets SOURCE_DATE_EPOCH to the job's start, so a resumed job
  // writes what the uninterrupted one would have.
  const std::string epoch = env("SOURCE_DATE_EPOCH");
  if (!epoch.empty() && epoch.size() < 19 &&
      epoch.find_first_not_of("0123456789") == std::string::npos) {
    now = static_cast<time_t>(std::stoll(epoch));
  }
  options.now = Rfc3339Utc(now);
  return options;
}

}  // namespace pix
