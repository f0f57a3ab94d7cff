#include "base/cli.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "base/cli_docs.h"
#include "base/exit_code.h"
#include "base/version.h"

namespace pix {

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
  return app_.add_option("--config", *path, "Read settings from a dataset.yaml file")
      ->type_name("FILE");
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
    std::cerr << name_ << ": error: " << e.what() << '\n'
              << "Run '" << name_ << " --help' for usage.\n";
    return kExitUsage;
  }
  if (!generate_.empty()) {
    std::cout << GenerateDocs(app_, generate_);
    return kExitOk;
  }
  return std::nullopt;
}

}  // namespace pix
