#include "image/probe.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("placeholder") { CHECK(true); }

}  // namespace
}  // namespace pix
