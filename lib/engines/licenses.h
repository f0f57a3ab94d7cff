// Licence codes: one vocabulary for the licences that Wikimedia Commons,
// Openverse and Flickr report in three different ways, so that records carry
// comparable values and `--license` can filter on them.
//
// A code is lower case: cc0, pdm (Public Domain Mark), pd (public domain by
// other means), usgov (US Government work), nkcr (Flickr's "no known
// copyright restrictions"), by, by-sa, by-nd, by-nc, by-nc-sa, by-nc-nd, arr
// (all rights reserved). A licence outside this list keeps a slug of the
// source's own name ("gfdl", "cc-by-sa-3.0-de" becomes by-sa). The version
// ("4.0") is kept apart. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

struct License {
  std::string code;     // empty when unknown
  std::string version;  // "4.0", empty when unknown
  std::string url;      // the licence deed, when known
};

// From a Commons extmetadata License value ("cc-by-sa-4.0", "pd", "cc0")
// with LicenseShortName ("CC BY-SA 4.0", "Public domain") as a fallback.
License LicenseFromCommons(std::string_view license, std::string_view short_name);
// From Openverse's license ("by-sa", "cc0", "pdm") and license_version.
License LicenseFromOpenverse(std::string_view license, std::string_view version);
// From a Flickr licence id ("0".."10").
License LicenseFromFlickr(std::string_view id);
// The Flickr licence ids that carry one of `codes` (for the API's license=).
std::vector<std::string> FlickrLicenseIds(const std::vector<std::string>& codes);

// Expands a user's list (codes and the groups public-domain, open,
// commercial, cc) into codes; fails on an unknown name.
Result<std::vector<std::string>> ExpandLicenseFilter(const std::vector<std::string>& names);
// The help text listing every accepted name.
const char* LicenseFilterHelp();

}  // namespace pix
