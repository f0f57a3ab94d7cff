// pix-dedup: removes exact and near-duplicate images from a record stream,
// within one run and, with --index, across runs.
#include <cstdlib>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/terminal.h"
#include "dedup/dedup.h"
#include "jsonl/stage_io.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-dedup", "Remove exact and near-duplicate images (sha256, pixels, pHash)");
  pix::CommonOptions common;
  pix::DedupOptions options;
  if (std::string tmp = pix::GetEnv("TMPDIR"); !tmp.empty()) options.temp_dir = tmp;
  pix::AddCommonFlags(&cli, &common);
  options.threads = 0;  // not given: one per CPU, decided after parsing
  cli.AddConcurrency(&options.threads,
                     "Worker threads for the near-duplicate search (0: one per CPU)", true)
      ->default_str("");

  CLI::App& app = cli.app();
  std::string keep = "largest";
  std::string hash = "exact";
  app.add_option("--hash", hash,
                 "Which pix-validate hashes to use: exact (phash, dhash) or fast (phash_fast, "
                 "dhash_fast, from pix-validate --hash fast)")
      ->check(CLI::IsMember({"exact", "fast"}))
      ->capture_default_str();
  app.add_option("-t,--threshold", options.threshold,
                 "Largest pHash Hamming distance (bits) of a near duplicate")
      ->type_name("BITS")
      ->check(pix::Quiet(CLI::Range(0, 32)))
      ->capture_default_str();
  app.add_option("--dhash-threshold", options.dhash_threshold,
                 "Largest dHash distance for a pHash match to stand (64: no check)")
      ->type_name("BITS")
      ->check(pix::Quiet(CLI::Range(0, 64)))
      ->capture_default_str();
  app.add_option("--dhash-near", options.dhash_near,
                 "Also pair images whose dHashes differ in at most BITS (-1: off)...")
      ->type_name("BITS")
      ->check(CLI::Range(-1, 32))
      ->capture_default_str();
  app.add_option("--phash-loose", options.phash_loose,
                 "...when their pHashes differ in at most BITS")
      ->type_name("BITS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--crop-threshold", options.crop_threshold,
                 "Pair when a crop_hashes window's pHash is within BITS of another image's (-1: off)...")
      ->type_name("BITS")
      ->check(CLI::Range(-1, 32))
      ->capture_default_str();
  app.add_option("--crop-dhash-threshold", options.crop_dhash_threshold,
                 "...and the window's dHash within BITS of that image's")
      ->type_name("BITS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_flag("--exact-only", options.exact_only,
               "Exact duplicates only (sha256, pixel_hash); streams record by record");
  app.add_option("--keep", keep, "Which copy of a group to keep")
      ->check(CLI::IsMember({"largest", "best-quality", "first"}))
      ->capture_default_str();
  app.add_flag("--mark", options.mark, "Write duplicates to the output too, marked with dup_of");
  app.add_option("--rejects", options.rejects_path, "Write duplicates to FILE")->type_name("FILE");
  auto* index =
      app.add_option("--index", options.index_path, "SQLite index of images kept by earlier runs")
          ->type_name("FILE");
  app.add_flag("--index-update", options.index_update,
               "Add this run's kept images to the --index (created if missing)")
      ->needs(index);
  double index_wait_s = std::chrono::duration<double>(options.index_wait).count();
  app.add_option("--index-wait", index_wait_s,
                 "Seconds to wait for another run that is updating the index")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::Range(0.0, 86400.0)))
      ->capture_default_str();
  app.add_flag("--strict", options.strict,
               "Fail records that lack the needed hashes (missing_hash) instead of passing them");
  app.add_option("--id-field", options.id_fields,
                 "Fields whose first present value is a record's id in dup_of")
      ->type_name("FIELD,...")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--temp-dir", options.temp_dir,
                 "Directory for the records near-duplicate search holds back (default: $TMPDIR)")
      ->type_name("DIR");
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  options.threads = pix::ResolveConcurrency(options.threads);
  options.keep = *pix::ParseKeepPolicy(keep);
  if (hash == "fast") options.hash_fields = pix::HashFields::Fast();
  options.index_wait = std::chrono::milliseconds(static_cast<int64_t>(index_wait_s * 1000));
  if (options.exact_only && keep != "first" && app.count("--keep")) {
    terminal.Error("--exact-only streams and keeps the first copy; --keep " + keep +
                   " needs the whole input (drop --exact-only)");
    return pix::kExitUsage;
  }
  return pix::RunStage("dedup", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunDedup(options, io); });
}
