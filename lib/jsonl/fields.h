// The names of the record fields of the record contract (man/pix.7), one
// constant each, so a stage that reads another stage's field names it the
// same way and a typo fails to compile instead of reading nothing.
//
// Grouped by the stage that adds the field; a stage may read any of them.
// Fields a stage keeps to itself (its evidence objects' insides, say) may
// stay literals in that stage.
#pragma once

#include <string_view>

namespace pix::field {

// Every stage: a failure, as {"stage","code","message"}.
inline constexpr std::string_view kError = "error";

// pix-keywords
inline constexpr std::string_view kLabel = "label";
inline constexpr std::string_view kQuery = "query";
inline constexpr std::string_view kQuerySource = "query_source";

// pix-search
inline constexpr std::string_view kUrl = "url";
inline constexpr std::string_view kEngine = "engine";
inline constexpr std::string_view kRank = "rank";
inline constexpr std::string_view kPageUrl = "page_url";
inline constexpr std::string_view kTitle = "title";
inline constexpr std::string_view kThumbnailUrl = "thumbnail_url";
inline constexpr std::string_view kLicense = "license";
inline constexpr std::string_view kLicenseUrl = "license_url";
inline constexpr std::string_view kCreator = "creator";
inline constexpr std::string_view kFoundBy = "found_by";

// pix-fetch
inline constexpr std::string_view kPath = "path";
inline constexpr std::string_view kSha256 = "sha256";
inline constexpr std::string_view kBytes = "bytes";
inline constexpr std::string_view kMime = "mime";
inline constexpr std::string_view kHttpStatus = "http_status";
inline constexpr std::string_view kFinalUrl = "final_url";
inline constexpr std::string_view kFetchedAt = "fetched_at";

// pix-validate
inline constexpr std::string_view kFormat = "format";
inline constexpr std::string_view kWidth = "width";
inline constexpr std::string_view kHeight = "height";
inline constexpr std::string_view kChannels = "channels";
inline constexpr std::string_view kValid = "valid";
inline constexpr std::string_view kReject = "reject";
inline constexpr std::string_view kFlags = "flags";
inline constexpr std::string_view kQuality = "quality";
inline constexpr std::string_view kPhash = "phash";
inline constexpr std::string_view kDhash = "dhash";
inline constexpr std::string_view kPixelHash = "pixel_hash";
inline constexpr std::string_view kExif = "exif";

// pix-dedup
inline constexpr std::string_view kDupOf = "dup_of";
inline constexpr std::string_view kDupDistance = "dup_distance";
inline constexpr std::string_view kDupKind = "dup_kind";
inline constexpr std::string_view kCluster = "cluster";

// pix-label
inline constexpr std::string_view kLabelConfidence = "label_confidence";
inline constexpr std::string_view kLabelSource = "label_source";
inline constexpr std::string_view kNeedsReview = "needs_review";
inline constexpr std::string_view kLabelEvidence = "label_evidence";

// pix-pack
inline constexpr std::string_view kDatasetPath = "dataset_path";
inline constexpr std::string_view kSplit = "split";

}  // namespace pix::field
