#include "hash/sha256.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("SHA-256 known answers, streaming equals one-shot") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  CHECK(h.Finish() == Sha256Hex("abc"));
}

}  // namespace
}  // namespace pix
