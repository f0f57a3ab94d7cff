// Streaming SHA-256 over OpenSSL's EVP interface (uses the CPU's SHA
// extensions where present). Feed bytes as they arrive; Finish() gives the
// lower-case hex digest. Not thread-safe; one object per stream.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pix {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // The hex digest; the object is reset and can hash a new stream.
  std::string Finish();
  void Reset();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string Sha256Hex(std::string_view data);
// Hashes a whole file by streaming it.
Result<std::string> Sha256File(const std::string& path, uint64_t* size = nullptr);

}  // namespace pix
