// pix-run: builds a dataset from one dataset.yaml by running the pix-* tools
// as a pipeline, with every record and event in an SQLite job store, so a
// run can be stopped at any moment and resumed.
#include <cstdio>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/files.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "run/commands.h"
#include "run/run_flags.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-run",
                   "Build a dataset from dataset.yaml: run the stages as a resumable pipeline");
  pix::RunFlags flags;
  pix::AddRunFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;
  auto options = pix::ResolveRunOptions(flags, pix::ProcessEnv, pix::ExecutableDir(argv[0]));
  if (!options.ok()) {
    std::fprintf(stderr, "pix-run: error: %s\nRun 'pix-run --help' for usage.\n",
                 options.status().message().c_str());
    return pix::kExitUsage;
  }

  pix::Terminal terminal(cli.name(), flags.quiet);
  pix::CommandOutput out;
  out.out = [](const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); };
  out.observer.progress = [&](const std::string& line) { terminal.Progress(line); };
  out.observer.message = [&](const std::string& level, const std::string& message) {
    if (level == "error") {
      terminal.Error(message);
    } else if (level == "warning") {
      terminal.Warning(message);
    } else if (level == "summary") {
      terminal.ClearProgress();
      if (!flags.quiet) std::fputs(message.c_str(), stderr);
    } else {
      terminal.Info(message);
    }
  };
  pix::InstallSignalHandlers();
  const int code = pix::RunCommand(*options, out);
  terminal.ClearProgress();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return code == 0 ? pix::kExitFatal : code;
  return code;
}
