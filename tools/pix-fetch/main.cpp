// pix-fetch: downloads the images (or any files) of JSON-lines records, in parallel and safely.
#include "base/cli.h"
#include "base/resources.h"
#include "base/terminal.h"
#include "fetch/fetch_flags.h"
#include "fetch/fetcher.h"
#include "jsonl/stage_flags.h"
#include "jsonl/stage_io.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-fetch",
                   "Download the image (or, with --accept any, the file) of each record's \"url\"");
  pix::CommonOptions common;
  pix::FetchFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddFetchFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto options = pix::ResolveFetchOptions(flags);
  if (!options.ok()) return pix::ExitWithError(&terminal, options.status());
  if (auto warning = pix::FitToOpenFileLimit(&*options, pix::RaiseOpenFileLimit())) {
    terminal.Warning(*warning);
  }
  return pix::RunStage("fetch", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunFetch(*options, io); });
}
