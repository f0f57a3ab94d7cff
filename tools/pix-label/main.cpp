// pix-label: gives every image its label, a confidence in it, and a flag
// for the ones a person should look at.
#include <memory>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/stage_flags.h"
#include "jsonl/stage_io.h"
#include "label/label_flags.h"
#include "label/label_stage.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-label", "Label every image with a confidence, and flag those to review");
  pix::CommonOptions common;
  pix::LabelOptions options;
  pix::LabelFlags flags;
  if (std::string tmp = pix::GetEnv("TMPDIR"); !tmp.empty()) options.temp_dir = tmp;
  pix::AddCommonFlags(&cli, &common);
  pix::AddLabelFlags(cli, &flags, &options);
  if (auto code = cli.Parse(argc, argv)) return *code;
  flags.wordnet_dir_given = cli.app().count("--wordnet-dir") > 0;
  flags.timeout_given = cli.app().count("--timeout") > 0;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto setup = pix::SetUpLabel(flags, pix::ProcessEnv, &options);
  if (!setup.ok()) {
    terminal.Error(setup.status().message());
    const auto code = setup.status().code();
    return code == pix::StatusCode::kInvalidArgument || code == pix::StatusCode::kUnsupported
               ? pix::kExitUsage
               : pix::ExitCodeFor(setup.status());
  }
  for (const std::string& warning : (*setup)->warnings) terminal.Warning(warning);
  pix::InstallSignalHandlers();
  auto io = pix::StageIo::Open("label", common, &terminal);
  if (!io.ok()) {
    terminal.Error(io.status().message());
    return pix::ExitCodeFor(io.status());
  }
  return pix::RunLabel(options, **io);
}
