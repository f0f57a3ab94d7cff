#include "engines/licenses.h"

#include <doctest/doctest.h>

namespace pix {

TEST_CASE("licence codes from three sources") {
  License l = LicenseFromCommons("cc-by-sa-4.0", "CC BY-SA 4.0");
  CHECK(l.code == "by-sa");
  CHECK(l.version == "4.0");
  CHECK(l.url == "https://creativecommons.org/licenses/by-sa/4.0/");
  CHECK(LicenseFromCommons("pd", "Public domain").code == "pd");
  CHECK(LicenseFromCommons("cc0", "CC0").code == "cc0");
  CHECK(LicenseFromCommons("cc-by-sa-3.0-de", "").version == "3.0");
  CHECK(LicenseFromCommons("", "CC BY 2.0").code == "by");
  CHECK(LicenseFromCommons("", "Public domain").code == "pd");
  CHECK(LicenseFromCommons("GFDL", "").code == "gfdl");
  l = LicenseFromOpenverse("by-nc-nd", "4.0");
  CHECK(l.code == "by-nc-nd");
  CHECK(l.url == "https://creativecommons.org/licenses/by-nc-nd/4.0/");
  CHECK(LicenseFromOpenverse("cc0", "1.0").url ==
        "https://creativecommons.org/publicdomain/zero/1.0/");
  CHECK(LicenseFromFlickr("0").code == "arr");
  CHECK(LicenseFromFlickr("4").code == "by");
  CHECK(LicenseFromFlickr("4").version == "2.0");
  CHECK(LicenseFromFlickr("10").code == "pdm");
  CHECK(LicenseFromFlickr("11").code.empty());
  CHECK(LicenseFromFlickr("x").code.empty());
  CHECK(FlickrLicenseIds({"cc0", "by", "pdm"}) == std::vector<std::string>{"4", "9", "10"});
}

TEST_CASE("licence filters expand groups and refuse unknown names") {
  auto open = ExpandLicenseFilter({"open"});
  REQUIRE(open.ok());
  CHECK(*open == std::vector<std::string>{"cc0", "pdm", "pd", "usgov", "by", "by-sa"});
  auto mixed = ExpandLicenseFilter({"CC0", "by", "cc0"});
  REQUIRE(mixed.ok());
  CHECK(*mixed == std::vector<std::string>{"cc0", "by"});
  auto bad = ExpandLicenseFilter({"by", "free"});
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().message().find("'free'") != std::string::npos);
}

}  // namespace pix
