#include "validate/validator.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("placeholder validator") { CHECK(true); }

}  // namespace
}  // namespace pix
