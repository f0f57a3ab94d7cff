#include "base/html.h"

#include <doctest/doctest.h>

namespace pix {

TEST_CASE("HtmlEscape: markup characters become references, the rest stays") {
  CHECK(HtmlEscape("") == "");
  CHECK(HtmlEscape("cat & dog") == "cat &amp; dog");
  CHECK(HtmlEscape("<script>alert(\"x\")</script>") ==
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  CHECK(HtmlEscape("it's") == "it&#39;s");
  CHECK(HtmlEscape("caf\xc3\xa9 ../../etc") == "caf\xc3\xa9 ../../etc");
}

}  // namespace pix
