#include "base/cli.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "base/cli_docs.h"
#include "base/exit_code.h"
#include "base/version.h"

namespace pix {
namespace {

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "1", "0.5", "1e+06": short, and whole numbers without a fraction.
std::string ShortNumber(double v) { return fmt::format("{:g}", v); }

// The people's version of a range or sign validator's refusal of `value`.
std::string NumberRefusal(const std::string& value, const std::string& description,
                          const std::string& original) {
  // CLI::PositiveNumber and NonNegativeNumber (described "POSITIVE" and
  // "NONNEGATIVE"), or a CLI::Range described as "INT in [1 - 4096]".
  const bool sign = description == "POSITIVE" || description == "NONNEGATIVE";
  const size_t open = description.find(" in [");
  const size_t dash = open == std::string::npos ? open : description.find(" - ", open);
  if (!sign && dash == std::string::npos) return original;  // not a number validator
  const auto v = ParseNumber(value);
  if (!v) return "'" + value + "' is not a number";
  const std::string got = " (got " + value + ")";
  if (description == "POSITIVE") return "must be more than 0" + got;
  if (description == "NONNEGATIVE") return "must be 0 or more" + got;
  const auto lo = ParseNumber(description.substr(open + 5, dash - open - 5));
  const auto hi = ParseNumber(description.substr(dash + 3, description.size() - dash - 4));
  if (!lo || !hi) return original;
  const bool whole = description.rfind("INT", 0) == 0 || description.rfind("UINT", 0) == 0;
  if (whole && *v != std::floor(*v)) return "must be a whole number" + got;
  if (*hi >= 1e15) return "must be at least " + ShortNumber(*lo) + got;
  return "must be between " + ShortNumber(*lo) + " and " + ShortNumber(*hi) + got;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

CLI::Validator Quiet(CLI::Validator v) {
  const std::string name = v.get_name(), description = v.get_description();
  CLI::Validator out(
      [v, description](std::string& value) {
        std::string refusal = v(value);
        if (refusal.empty()) return refusal;
        return NumberRefusal(value, description, refusal);
      },
      "", name);
  return out;
}

std::string SuggestFlag(std::string_view unknown, const std::vector<std::string>& known) {
  while (!unknown.empty() && unknown.front() == '-') unknown.remove_prefix(1);
  unknown = unknown.substr(0, unknown.find('='));
  if (unknown.empty()) return {};
  std::string best;
  size_t best_distance = std::max<size_t>(2, unknown.size() / 4) + 1;
  for (const std::string& name : known) {
    const size_t d = EditDistance(unknown, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best.empty() ? best : "--" + best;
}

ToolCli::ToolCli(std::string name, std::string description)
    : name_(std::move(name)), app_(std::move(description), name_) {
  app_.set_help_flag("-h,--help", "Print this help and exit");
  app_.set_version_flag("-V,--version", name_ + " (PixCrawler) " + kVersion,
                        "Print the version and exit");
  app_.add_option("--generate", generate_,
                  "Print generated documentation (man, bash, zsh, fish) and exit")
      ->check(CLI::IsMember({"man", "bash", "zsh", "fish"}))
      ->group("");  // hidden: for the build, not for users
  app_.get_formatter()->column_width(32);
  SetExitStatusHelp(
      "0 all records OK, 1 some records failed, 2 usage or config error,\n"
      "3 fatal error, 130 interrupted.");
}

CLI::Option* ToolCli::AddQuiet(bool* quiet) {
  return app_.add_flag("-q,--quiet", *quiet, "No progress line and no summary; errors still print");
}

void ToolCli::SetExitStatusHelp(const std::string& text) {
  app_.footer("Exit status: " + text + " See " + name_ + "(1) and pix(7).");
}

CLI::Option* ToolCli::AddConcurrency(int* concurrency, const std::string& what,
                                     bool zero_means_per_cpu) {
  return app_.add_option("-c,--concurrency", *concurrency, what)
      ->type_name("N")
      ->check(Quiet(CLI::Range(zero_means_per_cpu ? 0 : 1, 4096)))
      ->capture_default_str();
}

int ResolveConcurrency(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

CLI::Option* ToolCli::AddConfig(std::string* path) {
  // A missing file is a usage error (exit 2) in every tool, even one that
  // reads the file only with some other flag.
  return app_.add_option("--config", *path, "Read settings from a dataset.yaml file")
      ->type_name("FILE")
      ->check(Quiet(CLI::ExistingFile));
}

std::optional<int> ToolCli::Parse(int argc, char** argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app_.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << '\n';
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << name_ << ": error: " << e.what() << '\n';
    // A mistyped long flag gets the flag it was probably meant to be.
    std::vector<std::string> known;
    for (const CLI::Option* opt : app_.get_options()) {
      if (opt->get_group().empty()) continue;  // hidden
      for (const std::string& l : opt->get_lnames()) known.push_back(l);
    }
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--") break;
      if (arg.substr(0, 2) != "--") continue;
      const std::string_view flag = arg.substr(2, arg.find('=') - 2);
      if (std::find(known.begin(), known.end(), flag) != known.end()) continue;
      if (const std::string guess = SuggestFlag(arg, known); !guess.empty()) {
        std::cerr << name_ << ": did you mean " << guess << " instead of --" << flag << "?\n";
      }
    }
    std::cerr << "Run '" << name_ << " --help' for usage.\n";
    return kExitUsage;
  }
  if (!generate_.empty()) {
    std::cout << GenerateDocs(app_, generate_);
    return kExitOk;
  }
  return std::nullopt;
}

}  // namespace pix
