// pix-pack: turns the final records into a dataset folder (label files,
// manifest, statistics, report) and storage-tier archives; `pix-pack verify`
// checks one, `pix-pack tier` moves datasets down the tiers.
#include <fmt/format.h>

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <thread>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/stage_flags.h"
#include "pack/packer.h"
#include "pack/tiering.h"

namespace {

// The time written as `added` and in metadata.json: now, or
// $SOURCE_DATE_EPOCH when it is set (the reproducible-builds convention), so
// that the same records give byte-identical label files and MANIFEST.
// pix-run sets it to the job's start, so a resumed job writes what the
// uninterrupted one would have.
std::string PackTimeRfc3339() {
  time_t t = time(nullptr);
  const std::string epoch = pix::GetEnv("SOURCE_DATE_EPOCH");
  if (!epoch.empty() && epoch.size() < 19 &&
      epoch.find_first_not_of("0123456789") == std::string::npos) {
    t = static_cast<time_t>(std::stoll(epoch));
  }
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Verify(int argc, char** argv) {
  pix::ToolCli cli("pix-pack verify",
                   "Check a dataset folder or archive against its MANIFEST (exit 1 on any "
                   "missing, altered or extra file)");
  std::string target;
  bool quiet = false;
  cli.app().add_option("TARGET", target, "Dataset folder or archive")->required();
  cli.AddQuiet(&quiet);
  if (auto code = cli.Parse(argc, argv)) return *code;
  pix::Terminal terminal("pix-pack", quiet);
  const bool folder = pix::TierOf(target) == pix::Tier::kFolder;
  auto report = folder ? pix::VerifyFolder(target) : pix::VerifyArchive(target);
  if (!report.ok()) {
    terminal.Error(report.status().message());
    return report.status().code() == pix::StatusCode::kNotFound ? pix::kExitRecordsFailed
                                                                : pix::ExitCodeFor(report.status());
  }
  for (const auto& p : report->missing) std::cout << "missing\t" << p << '\n';
  for (const auto& p : report->altered) std::cout << "altered\t" << p << '\n';
  for (const auto& p : report->extra) std::cout << "extra\t" << p << '\n';
  std::cout.flush();
  terminal.Info(fmt::format("{}: {} files intact, {} missing, {} altered, {} extra", target,
                            report->checked, report->missing.size(), report->altered.size(),
                            report->extra.size()));
  return report->ok() ? pix::kExitOk : pix::kExitRecordsFailed;
}

int Tier(int argc, char** argv) {
  pix::ToolCli cli("pix-pack tier",
                   "Move a dataset (folder or archive) down the storage tiers, verifying the new "
                   "archive against the MANIFEST before deleting the old form");
  std::string target, to, older_than;
  bool quiet = false;
  pix::ArchiveOptions archive;
  CLI::App& app = cli.app();
  app.add_option("TARGET", target, "Dataset folder or archive; with --older-than, a folder of them")
      ->required();
  app.add_option("--to", to, "Tier to move to")
      ->check(CLI::IsMember({"hot", "warm", "archive"}))
      ->required();
  app.add_option("--older-than", older_than,
                 "Move every dataset in TARGET last changed more than AGE ago (7d, 12h, 30m)")
      ->type_name("AGE");
  app.add_option("--level", archive.level, "Compression level (default: 6 for 7z, 19 for zstd)")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(0, 22)));
  cli.AddConcurrency(&archive.threads, "zstd threads for the archive tier (default: one per CPU)")
      ->default_str("");
  cli.AddQuiet(&quiet);
  if (auto code = cli.Parse(argc, argv)) return *code;
  pix::Terminal terminal("pix-pack", quiet);
  if (archive.threads == 0) archive.threads = static_cast<int>(std::thread::hardware_concurrency());
  const pix::Tier tier = *pix::ParseTier(to);
  if (older_than.empty()) {
    auto moved = pix::MoveDownTier(target, tier, archive);
    if (!moved.ok()) {
      terminal.Error(moved.status().message());
      return moved.status().code() == pix::StatusCode::kCorruption
                 ? pix::kExitRecordsFailed
                 : pix::ExitCodeFor(moved.status());
    }
    terminal.Info(fmt::format("{} -> {} (verified)", target, *moved));
    return pix::kExitOk;
  }
  auto age = pix::ParseAge(older_than);
  if (!age) {
    terminal.Error("--older-than: expected a number with d, h, m or s (7d), got '" + older_than +
                   "'");
    return pix::kExitUsage;
  }
  auto moves = pix::MoveOlderDown(target, tier, time(nullptr) - *age, archive);
  if (!moves.ok()) {
    terminal.Error(moves.status().message());
    return pix::ExitCodeFor(moves.status());
  }
  int failed = 0;
  for (const auto& m : *moves) {
    if (m.status.ok()) {
      terminal.Info(fmt::format("{} -> {} (verified)", m.from, m.to));
    } else {
      terminal.Error(m.status.message());
      ++failed;
    }
  }
  terminal.Info(fmt::format("{} moved, {} failed", moves->size() - failed, failed));
  return failed ? pix::kExitRecordsFailed : pix::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Archive entry names are UTF-8 (libarchive needs a UTF-8 locale to say
  // so) and ZIP stores local time: make both independent of the user's.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  if (argc > 1 && std::string_view(argv[1]) == "verify") return Verify(argc - 1, argv + 1);
  if (argc > 1 && std::string_view(argv[1]) == "tier") return Tier(argc - 1, argv + 1);

  pix::ToolCli cli("pix-pack",
                   "Pack records into a dataset: folders, label files, manifest, report, archives "
                   "(also: pix-pack verify, pix-pack tier)");
  pix::CommonOptions common;
  pix::PackOptions options;
  CLI::App& app = cli.app();
  // The reading half of ToolCli::AddCommonFlags: -o names the dataset here,
  // not a record file.
  app.add_option("-i,--input", common.input, "Read records from FILE (- for stdin)")
      ->type_name("FILE")
      ->capture_default_str();
  cli.AddQuiet(&common.quiet);
  app.add_flag("--skip-invalid", common.skip_invalid,
               "Skip malformed input lines, count them, and go on");
  app.add_option("--max-line-bytes", common.max_line_bytes,
                 "Reject input lines longer than N bytes")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(size_t{2}, size_t{1} << 30)))
      ->capture_default_str();
  app.add_option("-o,--output", options.output_dir,
                 "The dataset folder (required; created, or added to)")
      ->type_name("DIR");
  std::string records;
  app.add_option("--records", records,
                 "Also write every record, with dataset_path/split or why it was left out, to FILE "
                 "(- for stdout)")
      ->type_name("FILE");
  app.add_option("--base", options.base_dir,
                 "Resolve relative record paths against DIR (where pix-fetch ran)")
      ->type_name("DIR");
  app.add_option("--split", options.split,
                 "Split folders by image hash, e.g. train=0.8,val=0.1,test=0.1")
      ->type_name("SPEC");
  bool copy = false, reflink = false;
  app.add_flag("--copy", copy, "Copy images instead of hard-linking them");
  app.add_flag("--reflink", reflink,
               "Clone images (copy-on-write) where the file system can, else copy");
  app.add_flag("--move", options.move,
               "Remove the downloaded files once the dataset holding them is complete");
  std::string tier;
  app.add_option("--tier", tier,
                 "Also write an archive: hot (stored zip), warm (7z), archive (tar.zst)")
      ->check(CLI::IsMember({"hot", "warm", "archive"}));
  app.add_option("--level", options.archive.level,
                 "Compression level (default: 6 for 7z, 19 for zstd)")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(0, 22)));
  cli.AddConcurrency(&options.archive.threads,
                     "zstd threads for --tier archive (default: one per CPU)")
      ->default_str("");
  app.add_option("--name", options.name, "The dataset's name (default: the folder's name)")
      ->type_name("NAME");
  std::string resize, resize_mode, format;
  int quality = 90;
  app.add_option("--resize", resize,
                 "Resize images: N (shorter side, or see --resize-mode) or WxH (centre crop)")
      ->type_name("SIZE");
  app.add_option("--resize-mode", resize_mode, "How --resize fits the image")
      ->check(CLI::IsMember({"shorter", "longer", "crop", "pad"}));
  app.add_option("--format", format, "Re-encode images to this format (EXIF/GPS stripped)")
      ->check(CLI::IsMember({"jpeg", "png", "webp"}));
  app.add_option("--quality", quality, "JPEG/WebP quality when re-encoding")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(1, 100)))
      ->capture_default_str();
  bool webdataset = false;
  app.add_flag("--webdataset", webdataset,
               "Also write WebDataset tar shards (NAME-000000.tar) at the dataset root");
  size_t shard_size = 1000;
  app.add_option("--shard-size", shard_size, "Samples per WebDataset shard")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(size_t{1}, size_t{10'000'000})))
      ->capture_default_str();
  bool no_report = false;
  app.add_flag("--no-report", no_report, "Do not write report.json and report.html");
  app.add_option("--thumbnails", options.report_options.kept_per_label,
                 "Thumbnails of kept images per label in report.html")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(0, 1000)))
      ->capture_default_str();
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  if (options.output_dir.empty()) {
    terminal.Error("-o DIR is required: the dataset folder to write");
    std::cerr << "Run 'pix-pack --help' for usage.\n";
    return pix::kExitUsage;
  }
  if (copy && reflink) {
    terminal.Error("--copy and --reflink exclude each other");
    return pix::kExitUsage;
  }
  auto normalize = pix::ParseNormalizeOptions(resize, resize_mode, format, quality);
  if (!normalize.ok()) {
    terminal.Error(normalize.status().message());
    return pix::kExitUsage;
  }
  options.normalize = *normalize;
  if (copy) options.place = pix::PlaceMode::kCopy;
  if (reflink) options.place = pix::PlaceMode::kReflink;
  if (!tier.empty()) options.tier = pix::ParseTier(tier);
  if (options.archive.threads == 0) {
    options.archive.threads = static_cast<int>(std::thread::hardware_concurrency());
  }
  options.report = !no_report;
  if (webdataset) options.webdataset_shard_size = shard_size;
  options.now = PackTimeRfc3339();
  pix::InstallSignalHandlers();

  auto reader = pix::RecordReader::Open(common.input, common.reader_options());
  if (!reader.ok()) {
    terminal.Error(reader.status().message());
    return pix::ExitCodeFor(reader.status());
  }
  std::unique_ptr<pix::RecordWriter> writer;
  if (!records.empty()) {
    auto opened = pix::RecordWriter::Open(records, common.line_buffering());
    if (!opened.ok()) {
      terminal.Error(opened.status().message());
      return pix::ExitCodeFor(opened.status());
    }
    writer = std::move(*opened);
  }
  auto summary = pix::RunPack(options, **reader, writer.get(), [&](const pix::RunCounts& c) {
    terminal.Progress(fmt::format("{} read, {} added, {} present, {} turned away", c.found,
                                  c.packed, c.already_present,
                                  c.found - c.packed - c.already_present));
  });
  pix::Status status = summary.ok() ? pix::Status() : summary.status();
  if (writer) {
    pix::Status closed = writer->Close();
    if (status.ok()) status = closed;
  }
  terminal.ClearProgress();
  if ((*reader)->skipped() > 0) {
    terminal.Warning(fmt::format("skipped {} invalid input line(s); first: {}",
                                 (*reader)->skipped(), (*reader)->first_skip_message()));
  }
  if (!status.ok()) {
    if (status.code() != pix::StatusCode::kBrokenPipe) {
      terminal.Error(status.message() + " (the dataset was left as it was)");
    }
    return pix::ExitCodeFor(status);
  }
  const pix::RunCounts& c = summary->counts;
  std::string reasons;
  for (const auto& [reason, n] : c.rejected) {
    reasons += fmt::format("{}{}: {}", reasons.empty() ? " (" : ", ", reason, n);
  }
  if (!reasons.empty()) reasons += ")";
  uint64_t rejected = 0;
  for (const auto& [reason, n] : c.rejected) rejected += n;
  terminal.Info(fmt::format("{}: {} added, {} already present, {} left out{}; {} has {}",
                            pix::Counted(c.found, "record", "records"), c.packed, c.already_present,
                            rejected, reasons, options.output_dir,
                            pix::Counted(summary->images, "image", "images")));
  if (!summary->archive_path.empty()) terminal.Info("wrote " + summary->archive_path);
  return c.faults ? pix::kExitRecordsFailed : pix::kExitOk;
}
