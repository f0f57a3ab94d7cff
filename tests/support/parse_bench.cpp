// pix-parse-bench FORMAT FILE [SECONDS]: parses a saved result page with one
// engine's parser (engines/registry.h, EngineDef::parsers) over and over for
// about SECONDS (default 1) and prints one JSON line: results a page,
// iterations, seconds, results per second. For bench/search; not installed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/files.h"
#include "engines/registry.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pix-parse-bench FORMAT FILE [SECONDS]\n");
    return 2;
  }
  const std::string format = argv[1];
  const double budget = argc > 3 ? std::atof(argv[3]) : 1.0;
  const pix::PageParser* parser = nullptr;
  for (const pix::EngineDef* e : pix::AllEngines()) {
    for (const pix::PageParser& p : e->parsers) {
      if (format == p.format) parser = &p;
    }
  }
  if (!parser) {
    std::fprintf(stderr, "pix-parse-bench: no parser '%s'\n", format.c_str());
    return 2;
  }
  auto body = pix::ReadFile(argv[2]);
  if (!body.ok()) {
    std::fprintf(stderr, "pix-parse-bench: %s\n", body.status().message().c_str());
    return 3;
  }
  const pix::PageResult first = parser->parse(*body);
  if (first.failed() || first.hits.empty()) {
    std::fprintf(stderr, "pix-parse-bench: %s: %s\n", argv[2],
                 first.failed() ? first.error_message.c_str() : "no results");
    return 3;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  long iterations = 0;
  size_t results = 0;
  double seconds = 0;
  do {
    results += parser->parse(*body).hits.size();
    ++iterations;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } while (seconds < budget);
  std::printf(
      "{\"format\": \"%s\", \"results_per_page\": %zu, \"iterations\": %ld, \"seconds\": %.6f, "
      "\"results_per_second\": %.1f}\n",
      format.c_str(), first.hits.size(), iterations, seconds,
      static_cast<double>(results) / seconds);
  return 0;
}
