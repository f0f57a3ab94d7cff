// pix-label: gives every image its label, a confidence in it, and a flag
// for the ones a person should look at.
#include "base/cli.h"
#include "base/env.h"
#include "base/terminal.h"
#include "jsonl/stage_flags.h"
#include "jsonl/stage_io.h"
#include "label/label_flags.h"
#include "label/label_stage.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-label", "Label every image with a confidence, and flag those to review");
  pix::CommonOptions common;
  pix::LabelFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddLabelFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto setup = pix::ResolveLabelOptions(flags, pix::ProcessEnv);
  if (!setup.ok()) return pix::ExitWithError(&terminal, setup.status());
  for (const std::string& warning : (*setup)->warnings) terminal.Warning(warning);
  return pix::RunStage("label", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunLabel((*setup)->options, io); });
}
