// Signature checks per second in process: LinkSigner::Check on valid links,
// the work pix-serve does for every request before touching a file. Linked
// against libpix.a by bench/serve/run. Prints one number.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "serve/signed_link.h"

int main() {
  const pix::LinkSigner signer("bench-secret-0123456789abcdef0123");
  std::vector<std::string> links;
  for (int i = 0; i < 1000; ++i) {
    links.push_back(*signer.Link("datasets/cats-v" + std::to_string(i) + ".tar.zst", 2000000000));
  }
  const auto start = std::chrono::steady_clock::now();
  long checks = 0, valid = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) {
    for (const std::string& link : links) {
      valid += signer.Check(link, 1900000000).verdict == pix::LinkVerdict::kValid;
    }
    checks += static_cast<long>(links.size());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (valid != checks) return 1;
  std::printf("%.0f\n", static_cast<double>(checks) / seconds);
  return 0;
}
