#include "engines/licenses.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pix {
namespace {

struct Group {
  std::string_view name;
  std::vector<std::string_view> codes;
};

constexpr std::array<std::string_view, 12> kCodes = {"cc0",   "pdm",      "pd",       "usgov",
                                                     "nkcr",  "by",       "by-sa",    "by-nd",
                                                     "by-nc", "by-nc-sa", "by-nc-nd", "arr"};

const std::vector<Group>& Groups() {
  static const std::vector<Group> groups = {
      {"public-domain", {"cc0", "pdm", "pd", "usgov"}},
      {"open", {"cc0", "pdm", "pd", "usgov", "by", "by-sa"}},
      {"commercial", {"cc0", "pdm", "pd", "usgov", "by", "by-sa", "by-nd"}},
      {"cc", {"cc0", "pdm", "by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"}},
  };
  return groups;
}

// Flickr's licence table (flickr.photos.licenses.getInfo); index = id.
struct FlickrLicense {
  std::string_view code;
  std::string_view version;
};
constexpr std::array<FlickrLicense, 11> kFlickr = {{{"arr", ""},
                                                    {"by-nc-sa", "2.0"},
                                                    {"by-nc", "2.0"},
                                                    {"by-nc-nd", "2.0"},
                                                    {"by", "2.0"},
                                                    {"by-sa", "2.0"},
                                                    {"by-nd", "2.0"},
                                                    {"nkcr", ""},
                                                    {"usgov", ""},
                                                    {"cc0", "1.0"},
                                                    {"pdm", "1.0"}}};

std::string Slug(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.') {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool IsVersion(std::string_view s) {
  return !s.empty() && std::isdigit(static_cast<unsigned char>(s.front())) &&
         s.find_first_not_of("0123456789.") == std::string_view::npos;
}

// The deed URL of a Creative Commons code and version.
std::string CcUrl(std::string_view code, std::string_view version) {
  if (version.empty()) return "";
  if (code == "cc0")
    return "https://creativecommons.org/publicdomain/zero/" + std::string(version) + "/";
  if (code == "pdm")
    return "https://creativecommons.org/publicdomain/mark/" + std::string(version) + "/";
  if (code.substr(0, 2) == "by") {
    return "https://creativecommons.org/licenses/" + std::string(code) + "/" +
           std::string(version) + "/";
  }
  return "";
}

// Splits a slug like "cc-by-sa-3.0-de" or "cc-by-2.0" into a code and version.
License FromSlug(const std::string& slug) {
  License l;
  if (slug.empty()) return l;
  if (slug == "pd" || slug == "public-domain" || slug.rfind("pd-", 0) == 0) {
    l.code = "pd";
    return l;
  }
  if (slug == "cc0" || slug == "cc-zero" || slug.rfind("cc0-", 0) == 0) {
    l.code = "cc0";
    l.version = "1.0";
    return l;
  }
  if (slug.rfind("cc-by", 0) == 0) {
    std::string rest = slug.substr(3);  // "by-sa-3.0-de"
    std::string code, version;
    size_t pos = 0;
    while (pos < rest.size()) {
      size_t dash = std::min(rest.find('-', pos), rest.size());
      std::string part = rest.substr(pos, dash - pos);
      if (IsVersion(part)) {
        version = part;
        break;  // anything after the version is a jurisdiction port
      }
      code += (code.empty() ? "" : "-") + part;
      pos = dash + 1;
    }
    if (std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end()) {
      l.code = code;
      l.version = version;
      return l;
    }
  }
  l.code = slug;
  return l;
}

}  // namespace

License LicenseFromCommons(std::string_view license, std::string_view short_name) {
  License l = FromSlug(Slug(license));
  if (l.code.empty()) {
    std::string s = Slug(short_name);  // "cc-by-sa-4.0", "public-domain"
    if (s == "cc-zero") s = "cc0";
    l = FromSlug(s);
  }
  l.url = CcUrl(l.code, l.version);
  return l;
}

License LicenseFromOpenverse(std::string_view license, std::string_view version) {
  License l;
  l.code = Slug(license);
  l.version = std::string(version);
  l.url = CcUrl(l.code, l.version);
  return l;
}

License LicenseFromFlickr(std::string_view id) {
  License l;
  if (id.empty() || id.find_first_not_of("0123456789") != std::string_view::npos || id.size() > 3) {
    return l;
  }
  const size_t n = std::stoul(std::string(id));
  if (n >= kFlickr.size()) return l;
  l.code = std::string(kFlickr[n].code);
  l.version = std::string(kFlickr[n].version);
  l.url = CcUrl(l.code, l.version);
  if (l.code == "nkcr") l.url = "https://www.flickr.com/commons/usage/";
  if (l.code == "usgov") l.url = "https://www.usa.gov/government-copyright";
  return l;
}

std::vector<std::string> FlickrLicenseIds(const std::vector<std::string>& codes) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < kFlickr.size(); ++i) {
    if (std::find(codes.begin(), codes.end(), kFlickr[i].code) != codes.end()) {
      ids.push_back(std::to_string(i));
    }
  }
  return ids;
}

Result<std::vector<std::string>> ExpandLicenseFilter(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view code) {
    if (std::find(out.begin(), out.end(), code) == out.end()) out.emplace_back(code);
  };
  for (const std::string& raw : names) {
    const std::string name = Slug(raw);
    if (std::find(kCodes.begin(), kCodes.end(), name) != kCodes.end()) {
      add(name);
      continue;
    }
    auto group = std::find_if(Groups().begin(), Groups().end(),
                              [&](const Group& g) { return g.name == name; });
    if (group == Groups().end()) {
      return Status::InvalidArgument("unknown licence '" + raw + "' (" + LicenseFilterHelp() + ")");
    }
    for (std::string_view code : group->codes) add(code);
  }
  return out;
}

const char* LicenseFilterHelp() {
  return "codes: cc0, pdm, pd, usgov, nkcr, by, by-sa, by-nd, by-nc, by-nc-sa, by-nc-nd, arr; "
         "groups: public-domain, open, commercial, cc";
}

}  // namespace pix
