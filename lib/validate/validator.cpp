#include "validate/validator.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <limits>

#include "base/files.h"
#include "hash/crop_hashes.h"
#include "hash/perceptual.h"
#include "image/decode.h"
#include "image/exif.h"
#include "image/probe.h"
#include "image/sniff.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "validate/quality_judge.h"

namespace pix {
namespace {

constexpr std::string_view kStage = "validate";

// Every field this stage writes; removed first so a re-run at another level
// leaves no stale values behind.
constexpr std::string_view kOwnedFields[] = {"format",
                                             "width",
                                             "height",
                                             "channels",
                                             "bit_depth",
                                             "color_space",
                                             "icc",
                                             "progressive",
                                             "animated",
                                             "frames",
                                             "jpeg_quality",
                                             "exif",
                                             "trailing_bytes",
                                             "content_type_mismatch",
                                             "valid",
                                             "reject",
                                             "reject_detail",
                                             "flags",
                                             "flag_values",
                                             "metrics",
                                             "phash",
                                             "dhash",
                                             "phash_fast",
                                             "dhash_fast",
                                             "crop_hashes",
                                             "view_hashes",
                                             "pixel_hash",
                                             "quality",
                                             "validate_level"};

double Round(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

// The file's bytes, or only its size when it is larger than `max_bytes`.
struct FileBytes {
  uint64_t size = 0;
  bool read = false;
  std::string bytes;
};

Result<FileBytes> ReadImageFile(const std::string& path, uint64_t max_bytes) {
  // Never blocks: a FIFO or a device is refused before it is read.
  PIX_ASSIGN_OR_RETURN(const int fd, OpenRegularFile(path));
  FileBytes out;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno(path, err);
  }
  out.size = static_cast<uint64_t>(st.st_size);
  if (out.size > max_bytes) {
    ::close(fd);
    return out;
  }
  out.bytes.resize(out.size);
  size_t done = 0;
  while (done < out.bytes.size()) {
    const ssize_t n = ::read(fd, out.bytes.data() + done, out.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::FromErrno(path, err);
    }
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  out.bytes.resize(done);
  out.size = done;
  out.read = true;
  return out;
}

// Whether a server's Content-Type names the format the bytes have.
bool ContentTypeMatches(std::string content_type, FileKind kind) {
  content_type = content_type.substr(0, content_type.find(';'));
  std::string t;
  for (char c : content_type) {
    if (!std::isspace(static_cast<unsigned char>(c)))
      t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (t == MimeType(kind)) return true;
  switch (kind) {
    case FileKind::kJpeg:
      return t == "image/jpg" || t == "image/pjpeg";
    case FileKind::kPng:
      return t == "image/x-png" || t == "image/apng";
    case FileKind::kBmp:
      return t == "image/x-ms-bmp" || t == "image/x-bmp";
    case FileKind::kIco:
      return t == "image/x-icon";
    case FileKind::kHtml:
      return t == "application/xhtml+xml";
    default:
      return false;
  }
}

// Collects reject reasons in check order, without duplicates, each with a
// message for people; and content flags with their measurements.
class Rejections {
 public:
  void Add(std::string_view code, std::string detail = "") {
    if (std::find(codes_.begin(), codes_.end(), code) != codes_.end()) return;
    codes_.emplace_back(code);
    if (!detail.empty()) details_.push_back(std::move(detail));
  }
  bool Has(std::string_view code) const {
    return std::find(codes_.begin(), codes_.end(), code) != codes_.end();
  }
  bool Any(std::initializer_list<std::string_view> codes) const {
    for (auto c : codes) {
      if (Has(c)) return true;
    }
    return false;
  }
  // A content flag: `metric` measured `value` against `limit` (NaN: none).
  void Flag(std::string_view code, std::string_view metric, double value, double limit,
            std::string detail) {
    flags_.push_back({std::string(code), metric, value, limit});
    flag_details_.push_back(std::move(detail));
  }
  // Moves the flags listed in `reject_flags` into the reject reasons.
  void RejectFlags(const std::vector<std::string>& reject_flags) {
    for (size_t i = 0; i < flags_.size(); ++i) {
      if (std::find(reject_flags.begin(), reject_flags.end(), flags_[i].code) !=
          reject_flags.end()) {
        Add(flags_[i].code, flag_details_[i]);
      }
    }
  }
  const std::vector<std::string>& codes() const { return codes_; }
  std::string Detail() const { return fmt::format("{}", fmt::join(details_, "; ")); }

  struct FlagValue {
    std::string code;
    std::string_view metric;
    double value;
    double limit;
  };
  const std::vector<FlagValue>& flags() const { return flags_; }
  std::vector<std::string> flag_codes() const {
    std::vector<std::string> out;
    for (const FlagValue& f : flags_) out.push_back(f.code);
    return out;
  }

 private:
  std::vector<std::string> codes_;
  std::vector<std::string> details_;
  std::vector<FlagValue> flags_;
  std::vector<std::string> flag_details_;
};

void WriteExif(Record* record, const ExifSummary& exif) {
  JsonBuilder j;
  j.BeginObject();
  if (!exif.make.empty()) j.Key("make").String(exif.make);
  if (!exif.model.empty()) j.Key("model").String(exif.model);
  if (!exif.datetime.empty()) j.Key("datetime").String(exif.datetime);
  if (exif.orientation) j.Key("orientation").Int(exif.orientation);
  j.Key("gps").Bool(exif.gps);
  if (exif.latitude) j.Key("gps_latitude").Double(Round(*exif.latitude, 6));
  if (exif.longitude) j.Key("gps_longitude").Double(Round(*exif.longitude, 6));
  j.EndObject();
  record->SetRaw(field::kExif, j.str());
}

void WriteMetrics(Record* record, const ImageMetrics& m) {
  JsonBuilder j;
  j.BeginObject();
  j.Key("brightness").Double(Round(m.brightness, 4));
  j.Key("luma_p05").Double(Round(m.luma_p05, 4));
  j.Key("luma_p99").Double(Round(m.luma_p99, 4));
  j.Key("contrast").Double(Round(m.contrast, 4));
  j.Key("entropy").Double(Round(m.entropy, 4));
  j.Key("sharpness").Double(Round(m.sharpness, 2));
  j.Key("noise").Double(Round(m.noise, 3));
  j.Key("colorfulness").Double(Round(m.colorfulness, 2));
  j.Key("grayscale").Bool(m.grayscale);
  j.Key("uniform_fraction").Double(Round(m.uniform_fraction, 4));
  j.Key("clipped_fraction").Double(Round(m.clipped_fraction, 4));
  if (std::isnan(m.blockiness)) {
    j.Key("blockiness").Null();
  } else {
    j.Key("blockiness").Double(Round(m.blockiness, 4));
  }
  j.EndObject();
  record->SetRaw("metrics", j.str());
}

void WriteQuality(Record* record, const QualityScore& q, const JudgeVerdict* verdict) {
  JsonBuilder j;
  j.BeginObject();
  j.Key("score").Double(Round(q.score, 4));
  j.Key("parts").BeginObject();
  for (const auto& [part, value] : q.parts) j.Key(part).Double(Round(value, 4));
  j.EndObject();
  if (q.flag_penalty < 1) j.Key("flag_penalty").Double(Round(q.flag_penalty, 4));
  if (verdict && verdict->ok && !verdict->reason.empty())
    j.Key("ai_reason").String(verdict->reason);
  if (verdict && !verdict->ok) {
    j.Key("ai_error").String(verdict->error_code);
    j.Key("ai_error_message").String(verdict->error_message);
  }
  j.EndObject();
  record->SetRaw(field::kQuality, j.str());
}

// xxh3-64 over the decoded size, channel count and pixels.
std::string PixelHash(const DecodedImage& image) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  const uint32_t header[4] = {
      static_cast<uint32_t>(image.width), static_cast<uint32_t>(image.height),
      static_cast<uint32_t>(image.channels), static_cast<uint32_t>(image.scale_denom)};
  uint8_t le[16];
  for (int i = 0; i < 4; ++i) {
    for (int b = 0; b < 4; ++b) le[i * 4 + b] = static_cast<uint8_t>(header[i] >> (8 * b));
  }
  XXH3_64bits_update(state, le, sizeof le);
  XXH3_64bits_update(state, image.pixels.data(), image.pixels.size());
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return fmt::format("{:016x}", h);
}

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// The metric flags, in kContentFlags order (low_jpeg_quality, from the
// header, comes before them).
void AddContentFlags(const ImageMetrics& m, const ValidateOptions& o, Rejections* r) {
  const double none = std::numeric_limits<double>::quiet_NaN();
  if (m.luma_p99 < o.dark_p99) {
    r->Flag("dark", "luma_p99", m.luma_p99, o.dark_p99,
            fmt::format("99th luma percentile {:.3f}", m.luma_p99));
  }
  if (m.luma_p05 > o.light_p05) {
    r->Flag("overexposed", "luma_p05", m.luma_p05, o.light_p05,
            fmt::format("5th luma percentile {:.3f}", m.luma_p05));
  }
  if (m.contrast < o.min_contrast) {
    r->Flag("low_contrast", "contrast", m.contrast, o.min_contrast,
            fmt::format("RMS contrast {:.4f}", m.contrast));
  }
  if (m.entropy < o.min_entropy) {
    r->Flag("low_information", "entropy", m.entropy, o.min_entropy,
            fmt::format("entropy {:.2f} bits", m.entropy));
  }
  if (m.sharpness < o.min_sharpness) {
    r->Flag("blurry", "sharpness", m.sharpness, o.min_sharpness,
            fmt::format("Laplacian variance {:.1f}", m.sharpness));
  }
  if (m.uniform_fraction >= o.max_uniform_fraction) {
    r->Flag("near_uniform", "uniform_fraction", m.uniform_fraction, o.max_uniform_fraction,
            fmt::format("{:.1f}% of pixels near one colour", 100 * m.uniform_fraction));
  }
  if (m.grayscale) r->Flag("grayscale", "colorfulness", m.colorfulness, none, "no colour");
}

// `flags` (codes) and `flag_values` (code -> {metric, value, limit}).
void WriteFlags(Record* record, const Rejections& r) {
  JsonBuilder codes, values;
  codes.BeginArray();
  values.BeginObject();
  for (const auto& f : r.flags()) {
    codes.String(f.code);
    values.Key(f.code).BeginObject();
    values.Key("metric").String(f.metric);
    values.Key("value").Double(Round(f.value, 4));
    if (!std::isnan(f.limit)) values.Key("limit").Double(f.limit);
    values.EndObject();
  }
  codes.EndArray();
  values.EndObject();
  record->SetRaw(field::kFlags, codes.str());
  if (!r.flags().empty()) record->SetRaw("flag_values", values.str());
}

// What the fast level learns from the bytes, for the levels after it.
struct Examined {
  ImageInfo info;
  ExifSummary exif;
  bool decodable_kind = false;  // JPEG, PNG or WebP: what medium decodes
};

// Fast, part one: what the bytes claim (kind, defects, hidden content).
Examined ExamineBytes(const FileBytes& file, const ValidateOptions& o, Record* record,
                      Rejections* reject) {
  Examined e;
  if (file.size == 0) {
    reject->Add("empty_file", "the file is empty");
    record->SetString(field::kFormat, FileKindName(FileKind::kEmpty));
  }
  if (o.min_bytes > 0 && file.size < o.min_bytes && file.size > 0) {
    reject->Add("file_too_small", fmt::format("{} bytes, below {}", file.size, o.min_bytes));
  }
  if (!file.read) {
    reject->Add("file_too_large", fmt::format("{} bytes, above {}", file.size, o.max_bytes));
  } else if (file.size > 0) {
    e.info = ProbeImage(file.bytes);
  }
  e.decodable_kind = e.info.kind == FileKind::kJpeg || e.info.kind == FileKind::kPng ||
                     e.info.kind == FileKind::kWebp;
  if (file.read && file.size > 0) {
    record->SetString(field::kFormat, FileKindName(e.info.kind));
    if (auto ct = record->GetString("content_type")) {
      record->SetBool("content_type_mismatch", !ContentTypeMatches(*ct, e.info.kind));
    }
    if (!IsRasterImage(e.info.kind) && e.info.kind != FileKind::kSvg) {
      reject->Add("not_an_image", fmt::format("the file is {}", FileKindName(e.info.kind)));
    } else if (!e.decodable_kind) {
      reject->Add("unsupported_format",
                  fmt::format("{} is not decoded", FileKindName(e.info.kind)));
    }
  }
  switch (e.info.defect) {
    case ImageDefect::kTruncated:
      reject->Add("truncated", e.info.defect_message);
      break;
    case ImageDefect::kCorruptHeader:
      reject->Add("corrupt_header", e.info.defect_message);
      break;
    case ImageDefect::kCrcMismatch:
      reject->Add("crc_mismatch", e.info.defect_message);
      break;
    case ImageDefect::kNone:
      break;
  }
  if (e.info.jpeg_scans > kMaxJpegScans) {
    reject->Add("too_many_scans",
                fmt::format("{} scans, above {}", e.info.jpeg_scans, kMaxJpegScans));
  }
  if (!e.info.embedded_kind.empty()) {
    reject->Add("polyglot", fmt::format("the file also contains {}", e.info.embedded_kind));
  }
  if (o.max_trailing_bytes >= 0 &&
      e.info.trailing_bytes > static_cast<uint64_t>(o.max_trailing_bytes)) {
    reject->Add("trailing_data",
                fmt::format("{} bytes after the end of the image", e.info.trailing_bytes));
  }
  if (e.info.animated && !o.allow_animated) {
    reject->Add("animated", fmt::format("animated, {} frames", e.info.frames));
  }
  if (!e.info.exif.empty()) e.exif = ReadExif(e.info.exif, o.exif_gps);
  return e;
}

// Fast, part two: the size as displayed (EXIF orientation applied), the
// size rules, and the header facts written on the record.
void CheckGeometry(const Examined& e, const ValidateOptions& o, Record* record,
                   Rejections* reject) {
  int width = e.info.width, height = e.info.height;
  OrientedSize(e.exif.orientation, &width, &height);
  if (width > 0 && height > 0) {
    const uint64_t pixels = static_cast<uint64_t>(width) * height;
    if (pixels > o.max_pixels) {
      reject->Add("too_many_pixels",
                  fmt::format("{}x{} = {} pixels, above {}", width, height, pixels, o.max_pixels));
    }
    if (width < o.min_width || height < o.min_height) {
      reject->Add("too_small",
                  fmt::format("{}x{}, below {}x{}", width, height, o.min_width, o.min_height));
    }
    const double aspect = std::min(double(width) / height, double(height) / width);
    if (aspect < o.min_aspect) {
      reject->Add("odd_aspect_ratio", fmt::format("aspect {:.3f}, below {}", aspect, o.min_aspect));
    }
    record->SetInt(field::kWidth, width);
    record->SetInt(field::kHeight, height);
    if (e.info.channels > 0) record->SetInt(field::kChannels, e.info.channels);
    if (e.info.bit_depth > 0) record->SetInt("bit_depth", e.info.bit_depth);
    if (!e.info.color_model.empty()) record->SetString("color_space", e.info.color_model);
    if (e.decodable_kind) {
      record->SetBool("icc", e.info.has_icc);
      record->SetBool("progressive", e.info.progressive);
      record->SetBool("animated", e.info.animated);
      if (e.info.animated) record->SetInt("frames", e.info.frames);
    }
    if (e.info.jpeg_quality > 0) record->SetInt("jpeg_quality", e.info.jpeg_quality);
  }
  if (e.exif.present) WriteExif(record, e.exif);
  if (e.info.trailing_bytes > 0)
    record->SetInt("trailing_bytes", static_cast<int64_t>(e.info.trailing_bytes));
  if (o.min_jpeg_quality > 0 && e.info.jpeg_quality > 0 &&
      e.info.jpeg_quality < o.min_jpeg_quality) {
    reject->Flag(
        "low_jpeg_quality", "jpeg_quality", e.info.jpeg_quality, o.min_jpeg_quality,
        fmt::format("JPEG quality about {}, below {}", e.info.jpeg_quality, o.min_jpeg_quality));
  }
}

// Whether a decode may be tried: a kind we decode, with no defect the
// header already showed.
bool StructurallySound(const Examined& e, const Rejections& reject) {
  return e.decodable_kind &&
         !reject.Any({"empty_file", "file_too_large", "not_an_image", "unsupported_format",
                      "truncated", "corrupt_header", "crc_mismatch", "too_many_scans",
                      "too_many_pixels", "animated"});
}

// What medium measured, for slow.
struct Measured {
  std::optional<ImageMetrics> metrics;  // unset with --no-metrics or a failed decode
  std::optional<OwnedPixels> analysis;  // the downscaled picture the metrics and the judge see
};

// Medium: decode (within the shared memory budget), hash and measure.
Measured DecodeAndMeasure(std::string_view bytes, const Examined& e, const ValidateOptions& o,
                          MemoryBudget* memory, Record* record, Rejections* reject) {
  Measured m;
  DecodeOptions dopt;
  dopt.max_pixels = o.max_pixels;
  dopt.allow_animated = o.allow_animated;
  const bool exact = o.hash == HashMode::kExact;
  if (!exact) {
    dopt.min_long_side = o.metrics ? kAnalysisLongSide : 2 * kPhashInput;
    dopt.gray = !o.metrics;
  }
  // Wait for room in the memory budget the workers share (--max-memory).
  int denom = 1;
  if (e.info.kind == FileKind::kJpeg && dopt.min_long_side > 0) {
    const int long_side = std::max(e.info.width, e.info.height);
    for (int d : {8, 4, 2}) {
      if ((long_side + d - 1) / d >= dopt.min_long_side) {
        denom = d;
        break;
      }
    }
  }
  const MemoryBudget::Lease lease = memory->Reserve(
      DecodeMemoryEstimate(static_cast<uint64_t>(e.info.width),
                           static_cast<uint64_t>(e.info.height), e.info.bit_depth, denom));
  auto decoded = DecodeImage(bytes, e.info.kind, dopt);
  if (!decoded.ok()) {
    reject->Add(
        decoded.status().code() == StatusCode::kLimitExceeded ? "too_many_pixels" : "decode_error",
        decoded.status().message());
  } else {
    if (decoded->corrupt) reject->Add("corrupt_data", decoded->corrupt_message);
    PixelBuffer gray;
    if (o.hash != HashMode::kNone || (o.metrics && decoded->scale_denom == 1))
      gray = PillowGray(*decoded);
    if (o.hash != HashMode::kNone) {
      const ImageHashes h = ImageHashesOfGray(gray.data(), decoded->width, decoded->height);
      record->SetString(exact ? "phash" : "phash_fast", HashHex(h.phash));
      record->SetString(exact ? "dhash" : "dhash_fast", HashHex(h.dhash));
      if (o.crop_hashes) {
        const WindowHashes windows = WindowHashesOfGray(gray.data(), decoded->width, decoded->height);
        record->SetString("crop_hashes", FormatCropHashes(windows.crops));
        record->SetString("view_hashes", FormatViewHashes(windows.views));
      }
    }
    record->SetString(field::kPixelHash, PixelHash(*decoded));
    if (o.metrics) {
      const PixelView full{decoded->pixels.data(), decoded->width, decoded->height,
                           decoded->channels};
      m.analysis = DownscaleForAnalysis(full);
      m.metrics = ComputeMetrics(m.analysis->view());
      if (decoded->scale_denom == 1)
        m.metrics->blockiness = Blockiness(gray.data(), decoded->width, decoded->height);
      const ImageMetrics& metrics = *m.metrics;
      WriteMetrics(record, metrics);
      if (metrics.uniform_fraction >= o.blank_fraction) {
        reject->Add("blank",
                    fmt::format("{:.1f}% of pixels one colour", 100 * metrics.uniform_fraction));
      }
      AddContentFlags(metrics, o, reject);
    }
  }
  return m;
}

// Slow: the quality score, with the AI judge's share when there is one.
void ScoreQuality(const Examined& e, const Measured& m, const ValidateOptions& o,
                  QualityJudge* judge, Record* record, Rejections* reject) {
  QualityInputs in;
  in.width = e.info.width;
  in.height = e.info.height;
  in.metrics = *m.metrics;
  in.jpeg_quality = e.info.kind == FileKind::kJpeg ? e.info.jpeg_quality : 0;
  in.lossless = e.info.lossless;
  in.flags = static_cast<int>(reject->flags().size());
  QualityScore q = ComputeQuality(in);
  std::optional<JudgeVerdict> verdict;
  if (judge && m.analysis) {
    verdict = judge->Judge(m.analysis->view(), e.exif.orientation);
    if (verdict->ok) {
      const double w = judge->options().weight;
      q.parts.emplace_back("ai_judge", verdict->score);
      q.score = (1 - w) * q.score + w * verdict->score;
    }
  }
  WriteQuality(record, q, verdict ? &*verdict : nullptr);
  if (o.min_quality > 0 && q.score < o.min_quality) {
    reject->Add("low_quality", fmt::format("quality {:.3f}, below {}", q.score, o.min_quality));
  }
}

}  // namespace

QualityScore ComputeQuality(const QualityInputs& in) {
  const ImageMetrics& m = in.metrics;
  QualityScore q;
  const double pixels = std::max(1.0, static_cast<double>(in.width) * in.height);
  q.parts.emplace_back("resolution", Clamp01((std::log2(pixels) - 16) / 6));
  q.parts.emplace_back("sharpness", Clamp01((std::log10(std::max(m.sharpness, 1.0)) - 1) / 2));
  q.parts.emplace_back(
      "exposure",
      Clamp01(1 - std::max(0.0, std::abs(m.brightness - 0.5) - 0.15) / 0.35 - m.clipped_fraction));
  q.parts.emplace_back("contrast", Clamp01(m.contrast / 0.20));
  q.parts.emplace_back("noise", 1 - Clamp01((m.noise - 2) / 10));
  if (!std::isnan(m.blockiness)) q.parts.emplace_back("blockiness", 1 - Clamp01(m.blockiness - 1));
  if (in.jpeg_quality > 0) {
    q.parts.emplace_back("jpeg_quality", Clamp01((in.jpeg_quality - 30) / 60.0));
  } else if (in.lossless) {
    q.parts.emplace_back("jpeg_quality", 1.0);
  }
  double sum = 0, weights = 0;
  for (const auto& [part, value] : q.parts) {
    for (const QualityWeight& w : kQualityWeights) {
      if (w.part == part) {
        sum += w.weight * value;
        weights += w.weight;
      }
    }
  }
  q.flag_penalty = std::pow(kFlagPenalty, in.flags);
  q.score = (weights > 0 ? sum / weights : 0) * q.flag_penalty;
  return q;
}

Result<std::vector<std::string>> ParseRejectFlags(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  const auto add = [&out](std::string_view code) {
    if (std::find(out.begin(), out.end(), code) == out.end()) out.emplace_back(code);
  };
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t end = item.find(',', start);
      if (end == std::string::npos) end = item.size();
      std::string_view code = std::string_view(item).substr(start, end - start);
      while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
      while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
      start = end + 1;
      if (code.empty() || code == "none") continue;
      if (code == "all") {
        for (std::string_view c : kContentFlags) add(c);
        continue;
      }
      if (std::find(kContentFlags.begin(), kContentFlags.end(), code) == kContentFlags.end()) {
        return Status::InvalidArgument(fmt::format("unknown content flag '{}' (all, none, {})",
                                                   code, fmt::join(kContentFlags, ", ")));
      }
      add(code);
    }
  }
  // In check order, so `reject` lists them as documented.
  std::vector<std::string> ordered;
  for (std::string_view c : kContentFlags) {
    if (std::find(out.begin(), out.end(), c) != out.end()) ordered.emplace_back(c);
  }
  return ordered;
}

const char* ValidateLevelName(ValidateLevel level) {
  switch (level) {
    case ValidateLevel::kFast:
      return "fast";
    case ValidateLevel::kMedium:
      return "medium";
    case ValidateLevel::kSlow:
      return "slow";
  }
  return "medium";
}

Result<ValidateLevel> ParseValidateLevel(std::string_view name) {
  for (ValidateLevel level : {ValidateLevel::kFast, ValidateLevel::kMedium, ValidateLevel::kSlow}) {
    if (name == ValidateLevelName(level)) return level;
  }
  return Status::InvalidArgument(fmt::format("unknown level '{}' (fast, medium, slow)", name));
}

const char* HashModeName(HashMode mode) {
  switch (mode) {
    case HashMode::kExact:
      return "exact";
    case HashMode::kFast:
      return "fast";
    case HashMode::kNone:
      return "none";
  }
  return "exact";
}

Result<HashMode> ParseHashMode(std::string_view name) {
  for (HashMode mode : {HashMode::kExact, HashMode::kFast, HashMode::kNone}) {
    if (name == HashModeName(mode)) return mode;
  }
  return Status::InvalidArgument(fmt::format("unknown hash mode '{}' (exact, fast, none)", name));
}

Validator::Validator(ValidateOptions options, QualityJudge* judge)
    : options_(std::move(options)), judge_(judge), memory_(options_.max_memory) {}

uint64_t DecodeMemoryEstimate(uint64_t width, uint64_t height, int bit_depth, int scale_denom) {
  const uint64_t d = static_cast<uint64_t>(std::max(1, scale_denom));
  const uint64_t pixels = ((width + d - 1) / d) * ((height + d - 1) / d);
  // RGB plus the gray plane; 16-bit samples pass through a wide buffer.
  const uint64_t per_pixel = bit_depth > 8 ? 10 : 4;
  return pixels * per_pixel + (1 << 20);
}

void Validator::Count(bool valid, const std::vector<std::string>& reasons,
                      const std::vector<std::string>& flags) const {
  (valid ? valid_ : rejected_).fetch_add(1, std::memory_order_relaxed);
  if (reasons.empty() && flags.empty()) return;
  std::lock_guard<std::mutex> lock(reasons_mutex_);
  for (const auto& r : reasons) ++reasons_[r];
  for (const auto& f : flags) ++flags_[f];
}

namespace {
// "a: 3, b: 1", commonest first.
std::string CountList(const std::map<std::string, uint64_t>& counts, std::string_view sep) {
  std::vector<std::pair<std::string, uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [code, n] : sorted) parts.push_back(fmt::format("{}{}{}", code, sep, n));
  return fmt::format("{}", fmt::join(parts, ", "));
}
}  // namespace

std::string Validator::Summary() const {
  std::string out = fmt::format("{} valid, {} rejected", valid_.load(), rejected_.load());
  std::lock_guard<std::mutex> lock(reasons_mutex_);
  if (!reasons_.empty()) out += " (" + CountList(reasons_, ": ") + ")";
  if (!flags_.empty()) out += "; flagged: " + CountList(flags_, " ");
  return out;
}

Status Validator::Validate(Record* record) const {
  const ValidateOptions& o = options_;
  for (std::string_view key : kOwnedFields) record->Remove(key);
  const auto path_field = record->GetString(field::kPath);
  if (!path_field || path_field->empty()) {
    SetRecordError(record, kStage, "no_path", "record has no \"path\" to validate");
    return Status::Ok();
  }
  const std::string path = o.base_dir.empty() || path_field->front() == '/'
                               ? *path_field
                               : JoinPath(o.base_dir, *path_field);
  auto file = ReadImageFile(path, o.max_bytes);
  if (!file.ok()) {
    const bool missing = file.status().code() == StatusCode::kNotFound;
    SetRecordError(record, kStage, missing ? "file_not_found" : "read_error",
                   file.status().message());
    return Status::Ok();
  }
  record->SetString("validate_level", ValidateLevelName(o.level));
  Rejections reject;
  const Examined examined = ExamineBytes(*file, o, record, &reject);
  CheckGeometry(examined, o, record, &reject);
  Measured measured;
  if (o.level != ValidateLevel::kFast && StructurallySound(examined, reject)) {
    measured = DecodeAndMeasure(file->bytes, examined, o, &memory_, record, &reject);
  }
  if (o.level == ValidateLevel::kSlow && measured.metrics) {
    ScoreQuality(examined, measured, o, judge_, record, &reject);
  }
  reject.RejectFlags(o.reject_flags);
  const bool valid = reject.codes().empty();
  record->SetBool(field::kValid, valid);
  JsonBuilder codes;
  codes.BeginArray();
  for (const auto& c : reject.codes()) codes.String(c);
  codes.EndArray();
  record->SetRaw(field::kReject, codes.str());
  if (!valid) record->SetString("reject_detail", reject.Detail());
  WriteFlags(record, reject);
  Count(valid, reject.codes(), reject.flag_codes());
  return Status::Ok();
}

}  // namespace pix
