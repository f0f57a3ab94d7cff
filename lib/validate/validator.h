// Validator: pix-validate's work on one record. Reads the file named by the
// record's `path`, decides whether it is a usable image, and writes what it
// learned back into the record: `valid`, `reject` (stable reason codes),
// `flags` (content concerns), format and geometry, EXIF, metrics, hashes and
// the quality score.
//
// Two kinds of finding. A reject reason (kRejectReasons) says the file is not
// a usable image for any dataset: undecodable, truncated, a bomb, unsupported,
// against the size rules, a polyglot, animated when not allowed, or blank (one
// colour over almost all pixels). A content flag (kContentFlags: dark,
// blurry, ...) is a concern about a usable picture: fog, night skies,
// snowfields, bokeh and minimalist art trip absolute thresholds, so a flag
// marks the image (with its measurement in `flag_values`) and lowers
// quality.score, and rejects it only when the user lists it in reject_flags.
//
// Three levels, each including the ones before it:
//   fast    magic bytes, header and container walk (ProbeImage), size rules,
//           EXIF; no pixel is decoded.
//   medium  decode (DCT-scaled for JPEG when the full size is not needed),
//           metrics on a fixed-size downscale, perceptual hashes, pixel hash.
//   slow    quality score in 0..1 with its parts, --min-quality.
//
// Rejection is data, not failure: an unusable image gets `valid: false` and
// keeps flowing. Only a record that cannot be examined (no `path`, file
// missing or unreadable) gets an error object (codes in kRecordErrors).
//
// Thread-safety: Validate() may run concurrently on different records; the
// Validator's counters are atomic. Failure modes: Validate() returns non-OK
// only for internal bugs; everything about the file is recorded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/memory_budget.h"
#include "base/status.h"
#include "image/metrics.h"
#include "jsonl/record.h"

namespace pix {

enum class ValidateLevel { kFast, kMedium, kSlow };

// Which perceptual hashes medium and slow compute.
enum class HashMode {
  // `phash` and `dhash`, bit-identical to Python imagehash 4.3 on Pillow 9.4.
  // Needs a full-size decode.
  kExact,
  // `phash_fast` and `dhash_fast`: the same formulas on a DCT-scaled decode.
  // Several times faster, close to but NOT bit-identical with imagehash, and
  // not comparable with `phash`.
  kFast,
  kNone,
};

struct ValidateOptions {
  ValidateLevel level = ValidateLevel::kMedium;
  // Relative `path`s are resolved against this directory ("" = the current
  // directory).
  std::string base_dir;

  // Size rules (all levels).
  int min_width = 64;   // as displayed (after EXIF orientation)
  int min_height = 64;
  // Decompression-bomb budget, checked from the header before any
  // allocation; Pillow's default.
  uint64_t max_pixels = 89'478'485;
  uint64_t max_bytes = 64ull << 20;  // file size; larger files are not read
  uint64_t min_bytes = 0;            // 0: no rule
  // min(w/h, h/w) below this is odd_aspect_ratio (CleanVision's default).
  double min_aspect = 0.35;
  // Bytes allowed after the image's end marker before trailing_data; -1: any.
  // (Trailing data that is another format is a polyglot regardless.)
  int64_t max_trailing_bytes = -1;
  bool allow_animated = false;  // otherwise animated PNG/WebP are rejected

  // Medium: content-flag thresholds (CleanVision's defaults where it has
  // one). Each sets a flag, not a rejection (see above).
  bool metrics = true;               // false: decode for hashes only
  double dark_p99 = 0.32;            // dark: 99th luma percentile below this
  double light_p05 = 0.95;           // overexposed: 5th luma percentile above this
  double min_entropy = 3.0;          // low_information below this (bits)
  double min_contrast = 0.04;        // low_contrast: RMS contrast below this
  double min_sharpness = 30.0;       // blurry: Laplacian variance below this
  double max_uniform_fraction = 0.95;  // near_uniform at or above this
  int min_jpeg_quality = 0;          // low_jpeg_quality below this (fast too); 0: no rule
  // The one metric rejection: blank when at least this share of the pixels
  // is within +-kUniformTolerance of one colour. A picture with a subject
  // covers more than half a percent of its frame.
  double blank_fraction = 0.995;
  // Content flags that make an image invalid (codes of kContentFlags; see
  // ParseRejectFlags). Empty: flags never reject.
  std::vector<std::string> reject_flags;
  HashMode hash = HashMode::kExact;
  // Also write `crop_hashes` (hash/crop_hashes.h): the hashes of fourteen
  // windows, with which pix-dedup finds cropped and straightened copies.
  // 448 hex digits per record and about a fifth of a medium run's CPU time
  // (bench/validate: 2.55x a bare decode with them, 2.05x without).
  bool crop_hashes = true;
  bool exif_gps = false;  // also write GPS coordinates (off: privacy)

  // Slow.
  double min_quality = 0;  // low_quality below this; 0: no rule
  // Bytes the concurrent decodes of all workers may hold together; a decode
  // that does not fit waits for others to finish (MemoryBudget). 0: no
  // limit. pix-validate defaults to a quarter of the machine's RAM.
  uint64_t max_memory = 0;
};

// The bytes a decode of an image of `width` x `height` at `bit_depth` holds
// at its peak (pixels, the gray plane, decoder rows), from the header alone;
// `scale_denom` > 1 for a DCT-scaled JPEG decode.
uint64_t DecodeMemoryEstimate(uint64_t width, uint64_t height, int bit_depth, int scale_denom);

// Every reject reason code, in the order they are checked; each is documented
// in man/pix-validate.1 (a unit test keeps the two in step). A content flag
// listed in reject_flags also appears in `reject`, after these.
inline constexpr std::array<std::string_view, 19> kRejectReasons = {
    "empty_file",     "file_too_small",   "file_too_large", "not_an_image", "unsupported_format",
    "truncated",      "corrupt_header",   "crc_mismatch",   "too_many_scans", "polyglot",
    "trailing_data",  "animated",         "too_many_pixels", "too_small",   "odd_aspect_ratio",
    "decode_error",   "corrupt_data",     "blank",          "low_quality"};

// Every content flag, in the order they are checked (man/pix-validate.1,
// CONTENT FLAGS). The same codes were reject reasons before they became
// flags, so scripts that look for them keep working with --reject-flags all.
inline constexpr std::array<std::string_view, 8> kContentFlags = {
    "low_jpeg_quality", "dark",   "overexposed",  "low_contrast",
    "low_information",  "blurry", "near_uniform", "grayscale"};

// Each content flag multiplies quality.score by this: two concerns make a
// photograph of 0.9 score about 0.73.
inline constexpr double kFlagPenalty = 0.9;

// Parses a --reject-flags list: codes of kContentFlags separated by commas
// (several items are joined), "all" for every flag, "none" for none. An
// unknown code is kInvalidArgument naming it and the known ones.
Result<std::vector<std::string>> ParseRejectFlags(const std::vector<std::string>& items);

// Error codes for records that could not be examined at all.
inline constexpr std::array<std::string_view, 3> kRecordErrors = {"no_path", "file_not_found",
                                                                  "read_error"};

// The quality parts and their weights (man/pix-validate.1, QUALITY SCORE).
struct QualityWeight {
  std::string_view part;
  double weight;
};
inline constexpr std::array<QualityWeight, 7> kQualityWeights = {{{"resolution", 0.20},
                                                                  {"sharpness", 0.25},
                                                                  {"exposure", 0.15},
                                                                  {"contrast", 0.10},
                                                                  {"noise", 0.10},
                                                                  {"blockiness", 0.05},
                                                                  {"jpeg_quality", 0.15}}};

struct QualityInputs {
  int width = 0;   // full size
  int height = 0;
  ImageMetrics metrics;
  int jpeg_quality = 0;  // 0: not a JPEG
  bool lossless = false;
  int flags = 0;  // content flags raised; each multiplies the score by kFlagPenalty
};
struct QualityScore {
  double score = 0;
  // (part, value in 0..1) for the parts that could be measured; the score is
  // their weighted mean with the weights renormalised over those present,
  // times flag_penalty.
  std::vector<std::pair<std::string_view, double>> parts;
  double flag_penalty = 1;  // kFlagPenalty ^ flags
};
QualityScore ComputeQuality(const QualityInputs& in);

class QualityJudge;

class Validator {
 public:
  // `judge`, when given, is asked at the slow level (see quality_judge.h);
  // it must outlive the Validator.
  explicit Validator(ValidateOptions options, QualityJudge* judge = nullptr);

  // Examines the file of one record and sets the validate fields on it.
  Status Validate(Record* record) const;

  // "12 valid, 3 rejected (blank: 2, truncated: 1); flagged: blurry 4, dark 1"
  std::string Summary() const;

  const ValidateOptions& options() const { return options_; }

 private:
  void Count(bool valid, const std::vector<std::string>& reasons,
             const std::vector<std::string>& flags) const;

  ValidateOptions options_;
  QualityJudge* judge_;
  mutable MemoryBudget memory_;
  mutable std::atomic<uint64_t> valid_{0}, rejected_{0};
  mutable std::mutex reasons_mutex_;
  mutable std::map<std::string, uint64_t> reasons_;
  mutable std::map<std::string, uint64_t> flags_;
};

const char* ValidateLevelName(ValidateLevel level);
// "fast", "medium" or "slow"; anything else is kInvalidArgument.
Result<ValidateLevel> ParseValidateLevel(std::string_view name);
const char* HashModeName(HashMode mode);
// "exact", "fast" or "none" (--hash); anything else is kInvalidArgument.
Result<HashMode> ParseHashMode(std::string_view name);

}  // namespace pix
