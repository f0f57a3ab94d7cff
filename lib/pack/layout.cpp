#include "pack/layout.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "base/file_names.h"
#include "http/url.h"
#include "hash/sha256.h"

namespace pix {
namespace {

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string CutUtf8(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

}  // namespace

Result<SplitPlan> SplitPlan::Parse(std::string_view spec) {
  SplitPlan plan;
  if (spec.empty()) return plan;
  double total = 0;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view part = spec.substr(start, comma - start);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument(
          fmt::format("--split: expected NAME=FRACTION, got '{}'", part));
    }
    std::string name(part.substr(0, eq));
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return Status::InvalidArgument(
            fmt::format("--split: split name '{}' may hold only a-z, 0-9, '_' and '-'", name));
      }
    }
    for (const auto& n : plan.names_) {
      if (n == name) return Status::InvalidArgument("--split: split '" + name + "' given twice");
    }
    std::string number(part.substr(eq + 1));
    char* end = nullptr;
    const double f = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !(f > 0) || f > 1) {
      return Status::InvalidArgument(fmt::format(
          "--split: fraction of '{}' must be a number in (0, 1], got '{}'", name, number));
    }
    total += f;
    plan.names_.push_back(name);
    plan.parts_.emplace_back(name, f);
    start = comma + 1;
  }
  if (std::fabs(total - 1.0) > 0.001) {
    return Status::InvalidArgument(fmt::format("--split: fractions add up to {}, not 1", total));
  }
  return plan;
}

double SplitPosition(std::string_view key) {
  const std::string hex = Sha256Hex(std::string("pix-pack split\n") + std::string(key));
  const uint64_t v = std::stoull(hex.substr(0, 13), nullptr, 16);  // 52 bits
  return static_cast<double>(v) / static_cast<double>(uint64_t{1} << 52);
}

const std::string& SplitPlan::Assign(std::string_view key) const {
  const double x = SplitPosition(key);
  double upper = 0;
  for (const auto& [name, f] : parts_) {
    upper += f;
    if (x < upper) return name;
  }
  return parts_.back().first;  // rounding: fractions may sum to 0.999
}

const std::vector<std::string>& ReservedRootNames() {
  static const std::vector<std::string> names = {
      "MANIFEST",       "labels.json", "labels.csv",    "labels.yaml",
      "labels.txt",     "classes.txt", "metadata.json", "metadata.jsonl",
      "ATTRIBUTION.md", "report.json", "report.html"};
  return names;
}

std::string FoldCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

LabelFolders::LabelFolders() {
  for (const auto& n : ReservedRootNames()) taken_.insert(FoldCase(n));
}

bool LabelFolders::Adopt(const std::string& label, const std::string& folder) {
  auto it = by_label_.find(label);
  if (it != by_label_.end()) return it->second == folder;
  if (!taken_.insert(FoldCase(folder)).second) return false;
  by_label_[label] = folder;
  return true;
}

const std::string& LabelFolders::FolderFor(const std::string& label) {
  auto it = by_label_.find(label);
  if (it != by_label_.end()) return it->second;
  std::string folder = SanitizeFileName(label);
  if (folder.empty()) folder = "_";
  if (taken_.count(FoldCase(folder))) {
    const std::string tag = "~" + Sha256Hex(label).substr(0, 8);
    folder = SanitizeFileName(CutUtf8(folder, kMaxFileNameBytes - tag.size()) + tag);
    // A label whose tagged name is taken as well (a label spelt as another's
    // tagged name): add digits until free. Deterministic for a given order.
    for (int n = 2; taken_.count(FoldCase(folder)); ++n) {
      folder =
          SanitizeFileName(CutUtf8(SanitizeFileName(label), 200) + tag + "-" + std::to_string(n));
    }
  }
  taken_.insert(FoldCase(folder));
  return by_label_.emplace(label, folder).first->second;
}

std::string StemFromUrl(std::string_view url) {
  std::string_view path = url;
  if (size_t scheme = path.find("://"); scheme != std::string_view::npos) {
    path = path.substr(scheme + 3);
    const size_t slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  std::string base = UrlDecode(slash == std::string_view::npos ? path : path.substr(slash + 1),
                               /*plus_is_space=*/false);
  if (const size_t dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
  std::string stem = SanitizeFileName(CutUtf8(base, 64));
  for (char& c : stem) {
    if (c == '.' || c == ' ') c = '_';
  }
  // Sanitising may have kept leading/trailing characters we just changed.
  stem = SanitizeFileName(CutUtf8(stem, 64));
  if (stem.empty() || stem == "_") stem = "image";
  return stem;
}

void FileNamer::Take(const std::string& dir, const std::string& name) {
  taken_[dir].insert(FoldCase(name));
}

std::string FileNamer::NameFor(const std::string& dir, std::string_view url,
                               std::string_view sha256, std::string_view ext) {
  auto& taken = taken_[dir];
  const std::string stem = StemFromUrl(url);
  std::string digest(sha256);
  if (digest.empty()) digest = Sha256Hex(url);
  std::string name;
  for (size_t len : {size_t{8}, size_t{16}, size_t{64}}) {
    name = fmt::format("{}-{}.{}", stem, digest.substr(0, len), ext);
    if (!taken.count(FoldCase(name))) break;
  }
  for (int n = 2; taken.count(FoldCase(name)); ++n) {
    name = fmt::format("{}-{}-{}.{}", stem, digest.substr(0, 16), n, ext);
  }
  taken.insert(FoldCase(name));
  return name;
}

}  // namespace pix
