// pix-validate: checks that fetched files are usable images, measures them,
// hashes them and scores their quality; marks the unusable ones invalid.
#include "base/cli.h"
#include "base/env.h"
#include "base/resources.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/parallel_stage.h"
#include "jsonl/stage_flags.h"
#include "jsonl/stage_io.h"
#include "validate/validate_flags.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-validate", "Check, measure, hash and score the image of every record");
  pix::CommonOptions common;
  pix::ValidateFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddValidateFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto setup = pix::ResolveValidateOptions(flags, pix::ProcessEnv, pix::PhysicalMemoryBytes());
  if (!setup.ok()) return pix::ExitWithError(&terminal, setup.status());
  pix::InstallSignalHandlers();
  const pix::QualityJudge* judge = (*setup)->judge.get();
  const pix::Validator validator((*setup)->options, (*setup)->judge.get());
  pix::ParallelStageHooks hooks;
  hooks.summary = [&] { return validator.Summary() + (judge ? "; " + judge->Summary() : ""); };
  return pix::RunParallelMapStage(
      "validate", common, &terminal, (*setup)->concurrency,
      [&](pix::Record& record) { return validator.Validate(&record); }, hooks);
}
