// pix-keywords: expands labels into image search queries (templates,
// WordNet, a language model).
#include "base/cli.h"
#include "base/env.h"
#include "base/terminal.h"
#include "jsonl/stage_io.h"
#include "keywords/keyword_settings.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-keywords", "Expand labels into image search queries");
  pix::CommonOptions common;
  pix::KeywordFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddKeywordFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto setup = pix::ResolveKeywordOptions(flags, cli.app().count("--input") > 0, pix::ProcessEnv);
  if (!setup.ok()) return pix::ExitWithError(&terminal, setup.status());
  auto expander = pix::KeywordExpander::Create(setup->options, setup->http);
  if (!expander.ok()) return pix::ExitWithError(&terminal, expander.status());
  return pix::RunStage("keywords", common, &terminal, [&](pix::StageIo& io) {
    return pix::RunKeywords(**expander, setup->sources, io);
  });
}
