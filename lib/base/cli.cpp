#include "base/cli.h"

#include <iostream>

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
  app_.footer("Exit status: 0 all records OK, 1 some records failed, 2 usage or config error,\n"
              "3 fatal error, 130 interrupted. See " + name_ + "(1) and pix(7).");
}

void ToolCli::AddCommonFlags(CommonOptions* o) {
  app_.add_option("-i,--input", o->input, "Read records from FILE (- for stdin)")
      ->type_name("FILE")
      ->capture_default_str();
  app_.add_option("-o,--output", o->output,
                  "Write records to FILE, atomically on success (- for stdout)")
      ->type_name("FILE")
      ->capture_default_str();
  AddQuiet(&o->quiet);
  app_.add_flag("--line-buffered", o->line_buffered,
                "Flush after every record (default: only on a terminal)");
  app_.add_flag("--skip-invalid", o->skip_invalid,
                "Skip malformed input lines, count them, and go on");
  app_.add_option("--max-line-bytes", o->max_line_bytes, "Reject input lines longer than N bytes")
      ->type_name("N")
      ->check(Quiet(CLI::Range(size_t{2}, size_t{1} << 30)))
      ->capture_default_str();
}

CLI::Option* ToolCli::AddQuiet(bool* quiet) {
  return app_.add_flag("-q,--quiet", *quiet, "No progress line and no summary; errors still print");
}

CLI::Option* ToolCli::AddConcurrency(int* concurrency, const std::string& what) {
  return app_.add_option("-c,--concurrency", *concurrency, what)
      ->type_name("N")
      ->check(Quiet(CLI::Range(1, 4096)))
      ->capture_default_str();
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
