// pix-search: finds image URLs for query records on DuckDuckGo, Bing, Google,
// Wikimedia Commons, Openverse, Flickr and SearXNG.
#include <algorithm>
#include <iostream>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "engines/probe.h"
#include "engines/search_settings.h"
#include "jsonl/stage_io.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-search", "Find image URLs for every query record, on several engines");
  pix::CommonOptions common;
  pix::SearchFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddSearchFlags(cli, &flags, pix::SearchOptions{});
  if (auto code = cli.Parse(argc, argv)) return *code;

  if (flags.list_engines) {
    std::cout << pix::DescribeEngines();
    return pix::kExitOk;
  }
  pix::Terminal terminal(cli.name(), common.quiet);
  auto options = pix::ResolveSearchOptions(flags, pix::ProcessEnv);
  if (!options.ok()) return pix::ExitWithError(&terminal, options.status());
  if (flags.probe) {
    pix::InstallSignalHandlers();
    // All engines unless --engines (or the config) named some.
    const bool named = cli.app().count("--engines") > 0 || !flags.config.empty();
    const auto results = pix::RunProbe(*options, !named, flags.probe_query);
    std::cout << pix::ProbeTable(results) << std::flush;
    const bool any_ok = std::any_of(results.begin(), results.end(),
                                    [](const pix::ProbeResult& r) { return r.verdict == "ok"; });
    if (pix::InterruptRequested()) return pix::kExitInterrupted;
    if (!any_ok) terminal.Error("no engine works from here (see the reasons above)");
    return any_ok ? pix::kExitOk : pix::kExitRecordsFailed;
  }
  return pix::RunStage("search", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunSearch(*options, io); });
}
