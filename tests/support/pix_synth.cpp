// pix-synth: writes synthetic photo-like images for tests, the demo and the
// benchmarks. Not installed.
//
//   pix-synth -d DIR NAME:FORMAT:WxH:SEED ...       named images
//   pix-synth -d DIR --count N [--min-size 200 --max-size 900 --format jpg]
//             [--quality 85] [--seed S]             a corpus img-000000.jpg ...
//             [--variants copy,resize50,...]        and transformed copies of each:
//                                                   img-000000~resize50.jpg ...
//             [--mixed-formats]                     every other corpus image a PNG
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/cli.h"
#include "base/exit_code.h"
#include "base/files.h"
#include "support/image_synth.h"

namespace {

// Blends every pixel 60% toward `rgb` (0xRRGGBB): pictures of visually
// distinct "classes" for pix-label's model tests.
void Tint(pix::testing::Pixels* pixels, long rgb) {
  if (rgb < 0) return;
  const int target[3] = {static_cast<int>((rgb >> 16) & 255), static_cast<int>((rgb >> 8) & 255),
                         static_cast<int>(rgb & 255)};
  for (size_t i = 0; i < pixels->data.size(); ++i) {
    const int c = pixels->channels == 3 ? static_cast<int>(i % 3) : 0;
    pixels->data[i] = static_cast<uint8_t>((2 * pixels->data[i] + 3 * target[c]) / 5);
  }
}

pix::Status WriteImage(const std::string& dir, const std::string& name, const std::string& format,
                       int w, int h, uint64_t seed, int quality, long tint) {
  auto pixels = pix::testing::SynthesizePhoto(w, h, seed);
  Tint(&pixels, tint);
  PIX_ASSIGN_OR_RETURN(std::string bytes, pix::testing::Encode(pixels, format, quality));
  return pix::WriteFileAtomic(pix::JoinPath(dir, name), bytes);
}

// A corpus image "<stem>.<format>" and its variants "<stem>~<variant>.<ext>".
pix::Status WriteWithVariants(const std::string& dir, const std::string& stem,
                              const std::string& format, int w, int h, uint64_t seed, int quality,
                              const std::vector<std::string>& variants) {
  auto pixels = pix::testing::SynthesizePhoto(w, h, seed);
  PIX_ASSIGN_OR_RETURN(std::string bytes, pix::testing::Encode(pixels, format, quality));
  PIX_RETURN_IF_ERROR(pix::WriteFileAtomic(pix::JoinPath(dir, stem + "." + format), bytes));
  for (const std::string& v : variants) {
    std::string ext;
    PIX_ASSIGN_OR_RETURN(std::string copy,
                         pix::testing::MakeVariant(pixels, bytes, format, v, &ext));
    PIX_RETURN_IF_ERROR(pix::WriteFileAtomic(pix::JoinPath(dir, stem + "~" + v + "." + ext), copy));
  }
  return pix::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-synth", "Write synthetic photo-like test images");
  std::string dir = ".";
  std::vector<std::string> specs;
  int count = 0, min_size = 200, max_size = 900, quality = 85;
  uint64_t seed = 1;
  std::string format = "jpg";
  std::vector<std::string> variants;
  bool mixed = false;
  auto& app = cli.app();
  app.add_option("-d,--dir", dir, "Output directory")->type_name("DIR");
  app.add_option("--count", count, "Write a corpus of N images");
  app.add_option("--min-size", min_size, "Smallest side of corpus images");
  app.add_option("--max-size", max_size, "Largest side of corpus images");
  app.add_option("--format", format, "Corpus format: jpg, png, webp");
  app.add_option("--quality", quality, "JPEG/WebP quality (WebP >100: lossless)");
  app.add_option("--seed", seed, "First seed of the corpus");
  app.add_option("--variants", variants, "Also write these transformed copies of each corpus image")
      ->delimiter(',')
      ->check(CLI::IsMember(pix::testing::VariantNames()));
  app.add_flag("--mixed-formats", mixed, "Write every other corpus image as PNG");
  std::string tint;
  app.add_option("--tint", tint, "Blend named images 60% toward colour RRGGBB (hex)");
  app.add_option("specs", specs, "NAME:FORMAT:WxH:SEED");
  if (auto code = cli.Parse(argc, argv)) return *code;

  long tint_rgb = -1;
  if (!tint.empty()) {
    char* end = nullptr;
    tint_rgb = std::strtol(tint.c_str(), &end, 16);
    if (tint.size() != 6 || *end != '\0') {
      std::fprintf(stderr, "pix-synth: error: --tint wants RRGGBB, not '%s'\n", tint.c_str());
      return pix::kExitUsage;
    }
  }
  pix::Status status = pix::MakeDirs(dir);
  for (const std::string& spec : specs) {
    if (!status.ok()) break;
    char name[256], fmt_name[16];
    int w = 0, h = 0;
    unsigned long long s = 0;
    if (std::sscanf(spec.c_str(), "%255[^:]:%15[^:]:%dx%d:%llu", name, fmt_name, &w, &h, &s) != 5 ||
        w <= 0 || h <= 0) {
      std::fprintf(stderr, "pix-synth: error: bad spec '%s' (NAME:FORMAT:WxH:SEED)\n", spec.c_str());
      return pix::kExitUsage;
    }
    status = WriteImage(dir, name, fmt_name, w, h, s, quality, tint_rgb);
  }
  for (int i = 0; i < count && status.ok(); ++i) {
    const uint64_t s = seed + static_cast<uint64_t>(i);
    const int span = std::max(1, max_size - min_size);
    const int w = min_size + static_cast<int>((s * 7919) % span);
    const int h = min_size + static_cast<int>((s * 104729) % span);
    const std::string f = (mixed && i % 2 == 1) ? "png" : format;
    status = WriteWithVariants(dir, fmt::format("img-{:06d}", i), f, w, h, s, quality, variants);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "pix-synth: error: %s\n", status.message().c_str());
    return pix::ExitCodeFor(status);
  }
  return pix::kExitOk;
}
