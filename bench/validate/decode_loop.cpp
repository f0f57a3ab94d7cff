// The floor for pix-validate --level medium: read each file named on stdin
// and decode it fully to 8-bit RGB in-process, with the libraries
// pix-validate uses (libjpeg-turbo with its default ISLOW IDCT and fancy
// upsampling, as Pillow; libpng; libwebp), nothing else. Prints
// "decoded N files, M megapixels, S s". Built by bench/validate/run.
#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

int main() {
  std::vector<std::string> paths;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty()) paths.push_back(line);
  }
  tjhandle tj = tjInitDecompress();
  const auto start = std::chrono::steady_clock::now();
  double megapixels = 0;
  unsigned checksum = 0;
  int failed = 0;
  std::vector<unsigned char> pixels;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    int w = 0, h = 0;
    bool ok = false;
    if (bytes.size() > 3 && data[0] == 0xFF && data[1] == 0xD8) {
      int subsamp = 0, colorspace = 0;
      if (tjDecompressHeader3(tj, data, bytes.size(), &w, &h, &subsamp, &colorspace) == 0) {
        pixels.resize(static_cast<size_t>(w) * h * 3);
        ok = tjDecompress2(tj, data, bytes.size(), pixels.data(), w, 0, h, TJPF_RGB, 0) == 0;
      }
    } else if (bytes.size() > 8 && data[0] == 0x89 && data[1] == 'P') {
      png_image image{};
      image.version = PNG_IMAGE_VERSION;
      if (png_image_begin_read_from_memory(&image, data, bytes.size())) {
        image.format = PNG_FORMAT_RGB;
        w = static_cast<int>(image.width);
        h = static_cast<int>(image.height);
        pixels.resize(PNG_IMAGE_SIZE(image));
        ok = png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0;
      }
      png_image_free(&image);
    } else if (WebPGetInfo(data, bytes.size(), &w, &h)) {
      pixels.resize(static_cast<size_t>(w) * h * 3);
      ok = WebPDecodeRGBInto(data, bytes.size(), pixels.data(), pixels.size(), w * 3) != nullptr;
    }
    if (!ok) {
      ++failed;
      continue;
    }
    megapixels += static_cast<double>(w) * h / 1e6;
    checksum += pixels[pixels.size() / 2];
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  tjDestroy(tj);
  std::printf("decoded %zu files (%d failed), %.1f megapixels, %.3f s (checksum %u)\n",
              paths.size() - failed, failed, megapixels, s, checksum);
  return failed ? 1 : 0;
}
