#include "pack/manifest.h"

#include <errno.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <iterator>

#include "base/files.h"
#include "hash/sha256.h"
#include "pack/tree.h"

namespace pix {
namespace {

constexpr std::string_view kHeader = "# PixCrawler MANIFEST 1: sha256 size path\n";

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Walk(const std::string& root, const std::string& rel, std::vector<std::string>* paths) {
  const std::string dir = rel.empty() ? root : JoinPath(root, rel);
  PIX_ASSIGN_OR_RETURN(std::vector<DirChild> children, ListDirKinds(dir));
  for (const auto& [name, is_dir] : children) {
    std::string child = rel.empty() ? name : rel + "/" + name;
    if (is_dir) {
      PIX_RETURN_IF_ERROR(Walk(root, child, paths));
    } else if (!(rel.empty() && name == kManifestName)) {
      paths->push_back(std::move(child));
    }
  }
  return Status::Ok();
}

}  // namespace

Status WriteManifest(const Manifest& manifest, const TextSink& out) {
  PIX_RETURN_IF_ERROR(out(kHeader));
  std::string line;
  for (const auto& [path, e] : manifest) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{}  {}  {}\n", e.sha256, e.size, path);
    PIX_RETURN_IF_ERROR(out(line));
  }
  return Status::Ok();
}

std::string ManifestText(const Manifest& manifest) {
  std::string text;
  (void)WriteManifest(manifest, [&](std::string_view s) {
    text.append(s);
    return Status::Ok();
  });
  return text;
}

Result<Manifest> ParseManifest(std::string_view text, std::string_view name) {
  Manifest out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&] {
      return Status::Corruption(fmt::format("{}:{}: expected 'SHA256  SIZE  PATH'", name, line_no));
    };
    const size_t a = line.find("  ");
    if (a == std::string_view::npos) return bad();
    const size_t b = line.find("  ", a + 2);
    if (b == std::string_view::npos) return bad();
    std::string_view sha = line.substr(0, a), size = line.substr(a + 2, b - a - 2),
                     path = line.substr(b + 2);
    if (!IsHex64(sha) || size.empty() || path.empty() || path[0] == '/') return bad();
    ManifestEntry e;
    e.sha256 = std::string(sha);
    for (char c : size) {
      if (c < '0' || c > '9') return bad();
      e.size = e.size * 10 + static_cast<uint64_t>(c - '0');
    }
    out[std::string(path)] = e;
  }
  return out;
}

VerifyReport CompareWithManifest(const Manifest& manifest, const Manifest& found) {
  VerifyReport r;
  for (const auto& [path, want] : manifest) {
    auto it = found.find(path);
    if (it == found.end()) {
      r.missing.push_back(path);
    } else if (it->second.size != want.size || it->second.sha256 != want.sha256) {
      r.altered.push_back(path);
    } else {
      ++r.checked;
    }
  }
  for (const auto& [path, e] : found) {
    if (!manifest.count(path)) r.extra.push_back(path);
  }
  return r;
}

Status ListFiles(const std::string& root, std::vector<std::string>* paths) {
  PIX_RETURN_IF_ERROR(Walk(root, "", paths));
  std::sort(paths->begin(), paths->end());
  return Status::Ok();
}

Result<VerifyReport> VerifyFolder(const std::string& root) {
  const std::string manifest_path = JoinPath(root, kManifestName);
  auto text = ReadFile(manifest_path);
  if (!text.ok()) {
    return Status::NotFound(root + " has no readable MANIFEST (not a pix-pack dataset?)");
  }
  PIX_ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(*text, manifest_path));
  std::vector<std::string> paths;
  PIX_RETURN_IF_ERROR(ListFiles(root, &paths));
  Manifest found;
  for (const auto& path : paths) {
    const std::string full = JoinPath(root, path);
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      found[path] = ManifestEntry{"not a regular file", 0};
      continue;
    }
    ManifestEntry e;
    // A listed file whose size already differs needs no hashing.
    auto want = manifest.find(path);
    if (want != manifest.end() && want->second.size != static_cast<uint64_t>(st.st_size)) {
      e.sha256 = "size differs";
      e.size = static_cast<uint64_t>(st.st_size);
    } else {
      auto sha = Sha256File(full, &e.size);
      if (!sha.ok()) return sha.status();
      e.sha256 = *sha;
    }
    found[path] = e;
  }
  return CompareWithManifest(manifest, found);
}

}  // namespace pix
