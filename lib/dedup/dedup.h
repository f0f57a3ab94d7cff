// RunDedup: pix-dedup's whole run. Reads records, finds exact and near
// duplicates (clustering.h), and writes kept records with a `cluster` number
// and duplicates with `dup_of`, `dup_distance`, `dup_kind` and `cluster`.
//
// Two ways to run:
// - Near (the default) must see every hash before it can say which image of
//   a group is kept, so records wait in an unlinked temporary file
//   (RecordSpool) and only the hashes stay in memory (about 150 bytes per
//   image at the peak). Output keeps input order. Kept records gain the union
//   of their duplicates' `found_by`.
// - Exact only (exact_only) streams: each record is written as soon as it is
//   read; the first copy is kept (every copy has the same pixels, so the keep
//   policies agree). Memory grows with the number of distinct images (their
//   digests and ids). The kept record was written before its copies arrive,
//   so `found_by` is not merged; the copies keep their own.
//
// Records that arrive with an error or with "valid": false, and records
// without the hashes the mode needs, pass through unchanged (counted and
// warned about), or with `strict` fail with missing_hash. A malformed hash
// fails the record with bad_hash and a message naming input and line.
// Failure modes of the run: I/O errors, a locked or foreign index (Status).
// Not thread-safe: one run per StageIo.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dedup/clustering.h"
#include "jsonl/stage_io.h"

namespace pix {

struct DedupOptions {
  // Which copy of a group is kept. `largest` needs only width and height,
  // which every pix-validate level writes; `best-quality` needs the slow
  // level's quality.score (records without it rank last).
  KeepPolicy keep = KeepPolicy::kLargest;

  // Exact duplicates only (sha256 and pixel_hash), streaming.
  bool exact_only = false;

  // Largest pHash Hamming distance (bits of 64) for a near duplicate. 10, as
  // imagededup uses for pHash. On the quality benchmark (resize, JPEG q40,
  // 5% crop, +15% brightness, format change, caption) it finds 99.8% of
  // copies with no false pair (8: 98.8%), two bits below the closest pair
  // of different images (12 bits).
  int threshold = 10;

  // Largest dHash distance for a pHash match to stand, when both records
  // have a dHash; 64 turns the check off. No benchmark copy is more than 10
  // dHash bits from its original; 99.5% of different pairs are more than 20
  // apart. A second, independent hash refuses pHash look-alikes, and makes
  // higher thresholds safe (14: no false pair with it, 1% without).
  int dhash_threshold = 20;

  // The dHash pass (clustering.h): images whose dHashes differ in at most
  // `dhash_near` bits are near duplicates when their pHashes differ in at
  // most `phash_loose`. On real photographs (bench/dedup-real) a caption, a
  // logo or a brightness change moves a pHash by up to 28 bits but a dHash
  // by a few: the pass raised logo recall from 0.49 to 0.71 and caption
  // recall from 0.73 to 0.87 with no false pair. Wider settings pay: dHash
  // bits of smooth pictures are correlated, so at 6 bits one pair of
  // unrelated gradient-like pictures already paired, and the candidate
  // pairs grow tenfold. -1 turns the pass off.
  int dhash_near = 5;
  int phash_loose = 18;

  // The window search (crop_join.h): the four 90% strips (top, bottom, left,
  // right) of every record's `crop_hashes` against the same strip of every
  // other record; strips whose pHashes are within `window_threshold` bits and
  // whose dHashes are within `crop_dhash_threshold` bits pair the two
  // images. A caption or a logo along one edge leaves the other strip of
  // the copy as it was, and a crop of a few percent moves a strip less than
  // the whole frame. On bench/dedup-real it raised caption recall from 0.941
  // to 1.000, crop5 from 0.603 to 0.868 and all pairs from 0.664 to 0.792
  // with no false pair. One self-join per strip, two strips per pass over the
  // spool: about 4.8 s more at a million records, within the memory target.
  // -1 turns it off.
  int window_threshold = 10;

  // The crop search (crop_join.h): every window in a record's `crop_hashes`
  // against the full frames of the images whose aspect ratio matches the
  // window's (a crop has the aspect ratio of the window it was cut to); a
  // window whose pHash is within `crop_threshold` bits and whose dHash is
  // within `crop_dhash_threshold` bits of another image's pairs the two.
  // On bench/dedup-real this finds crops of up to 10% and 2-5 degree
  // straightened rotations with no false pair at 12/16; at 14/18 unrelated
  // pictures begin to pair. Records without crop_hashes, width and height
  // take no part. On by default since its windows wait in a temporary file
  // and are joined crop_batch at a time (a million records: 186 MB at the
  // peak, within pix-dedup's memory target): on the real photographs it
  // takes crops of 10% from 0.294 to 1.000 recall. It about doubles a
  // million-record run (41.0 s against 20.2 s); -1 turns it off.
  int crop_threshold = 12;
  int crop_dhash_threshold = 16;
  // The crop search's windows joined at a time. They wait in a temporary
  // file beside the spool (24 bytes each, 14 a record) and are joined with
  // the frames a batch at a time; a window costs about 36 bytes while it is
  // joined (its hashes, aspect ratio and item, its bin entry, its pHash in
  // the bin's join), so 1 Mi windows take about 36 MiB: all of 74,898
  // records, or a million records' in 14 batches. The pairs found do not
  // depend on it.
  uint64_t crop_batch = uint64_t{1} << 20;

  // Threads for the near-duplicate search.
  int threads = 1;

  // Where duplicates go: with `mark` to the output too, with `rejects_path`
  // to that file; with neither they are counted and dropped.
  bool mark = false;
  std::string rejects_path;

  // An index of images kept by earlier runs (dup_index.h); with
  // `index_update` this run's kept images are added to it. The index is
  // streamed (near mode) or looked up (exact mode), never loaded whole.
  std::string index_path;
  bool index_update = false;
  // How long an updating run waits for another one to finish with the index
  // before giving up.
  std::chrono::milliseconds index_wait{10000};

  // Fail records that lack the hashes the mode needs (missing_hash) instead
  // of passing them through.
  bool strict = false;

  // Where the perceptual hashes are (see HashFields).
  HashFields hash_fields;

  // The fields, in order, whose first present value identifies a record in
  // `dup_of`.
  std::vector<std::string> id_fields = {"url", "path", "sha256"};

  // Where near mode keeps records while it reads (an unlinked file).
  std::string temp_dir = "/tmp";
};

// Runs pix-dedup over `io`; returns the exit code (io.Finish()).
int RunDedup(const DedupOptions& options, StageIo& io);

}  // namespace pix
