#include "dedup/dedup_flags.h"

namespace pix {

void AddDedupFlags(ToolCli& cli, DedupFlags* f) {
  DedupOptions* o = &f->options;
  cli.AddConcurrency(&f->threads, "Worker threads for the near-duplicate search (0: one per CPU)",
                     true)
      ->default_str("");

  CLI::App& app = cli.app();
  app.add_option("--hash", f->hash,
                 "Which pix-validate hashes to use: exact (phash, dhash) or fast (phash_fast, "
                 "dhash_fast, from pix-validate --hash fast)")
      ->check(CLI::IsMember({"exact", "fast"}))
      ->capture_default_str();
  app.add_option("-t,--threshold", o->threshold,
                 "Largest pHash Hamming distance (bits) of a near duplicate")
      ->type_name("BITS")
      ->check(Quiet(CLI::Range(0, 32)))
      ->capture_default_str();
  app.add_option("--dhash-threshold", o->dhash_threshold,
                 "Largest dHash distance for a pHash match to stand (64: no check)")
      ->type_name("BITS")
      ->check(Quiet(CLI::Range(0, 64)))
      ->capture_default_str();
  app.add_option("--dhash-near", o->dhash_near,
                 "Also pair images whose dHashes differ in at most BITS (-1: off)...")
      ->type_name("BITS")
      ->check(CLI::Range(-1, 32))
      ->capture_default_str();
  app.add_option("--phash-loose", o->phash_loose, "...when their pHashes differ in at most BITS")
      ->type_name("BITS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--window-threshold", o->window_threshold,
                 "Pair when a crop_hashes 90% strip (top, bottom, left or right) or a view_hashes 80% "
                 "corner window is within BITS of that window of another image, or a turned "
                 "view within BITS of another image's frame (-1: off)")
      ->type_name("BITS")
      ->check(CLI::Range(-1, 32))
      ->capture_default_str();
  app.add_option(
         "--crop-threshold", o->crop_threshold,
         "Pair when a crop_hashes window's pHash is within BITS of another image's (-1: off)...")
      ->type_name("BITS")
      ->check(CLI::Range(-1, 32))
      ->capture_default_str();
  app.add_option("--crop-dhash-threshold", o->crop_dhash_threshold,
                 "...and the window's (or strip's) dHash within BITS of that image's")
      ->type_name("BITS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--crop-batch", o->crop_batch,
                 "Windows the crop search joins at a time (they wait in a temporary file, 24 "
                 "bytes each); fewer use less memory and take longer")
      ->type_name("WINDOWS")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32))
      ->capture_default_str();
  app.add_flag("--exact-only", o->exact_only,
               "Exact duplicates only (sha256, pixel_hash); streams record by record");
  app.add_option("--keep", f->keep, "Which copy of a group to keep")
      ->check(CLI::IsMember({"largest", "best-quality", "first"}))
      ->capture_default_str()
      ->each([f](const std::string&) { f->keep_given = true; });
  app.add_flag("--mark", o->mark, "Write duplicates to the output too, marked with dup_of");
  app.add_option("--rejects", o->rejects_path, "Write duplicates to FILE")->type_name("FILE");
  auto* index =
      app.add_option("--index", o->index_path, "SQLite index of images kept by earlier runs")
          ->type_name("FILE");
  app.add_flag("--index-update", o->index_update,
               "Add this run's kept images to the --index (created if missing)")
      ->needs(index);
  app.add_option("--index-wait", f->index_wait_s,
                 "Seconds to wait for another run that is updating the index")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::Range(0.0, 86400.0)))
      ->capture_default_str();
  app.add_flag("--strict", o->strict,
               "Fail records that lack the needed hashes (missing_hash) instead of passing them");
  app.add_option("--id-field", o->id_fields,
                 "Fields whose first present value is a record's id in dup_of")
      ->type_name("FIELD,...")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--temp-dir", f->temp_dir,
                 "Directory for the records near-duplicate search holds back (default: $TMPDIR)")
      ->type_name("DIR");
}

Result<DedupOptions> ResolveDedupOptions(const DedupFlags& f, const EnvLookup& env) {
  DedupOptions o = f.options;
  if (o.exact_only && f.keep_given && f.keep != "first") {
    return Status::InvalidArgument("--exact-only streams and keeps the first copy; --keep " +
                                   f.keep + " needs the whole input (drop --exact-only)");
  }
  auto keep = ParseKeepPolicy(f.keep);
  if (!keep.ok()) return Status::InvalidArgument("--keep: " + keep.status().message());
  o.keep = *keep;
  if (f.hash == "fast") {
    o.hash_fields = HashFields::Fast();
  } else if (f.hash != "exact") {
    return Status::InvalidArgument("--hash: expected exact or fast, got '" + f.hash + "'");
  }
  o.threads = ResolveConcurrency(f.threads);
  o.index_wait = std::chrono::milliseconds(static_cast<int64_t>(f.index_wait_s * 1000));
  if (!f.temp_dir.empty()) {
    o.temp_dir = f.temp_dir;
  } else if (std::string tmp = env("TMPDIR"); !tmp.empty()) {
    o.temp_dir = tmp;
  }
  return o;
}

}  // namespace pix
