// pix-pack: turns the final records into a dataset folder (label files,
// manifest, statistics, report) and storage-tier archives; `pix-pack verify`
// checks one, `pix-pack tier` moves datasets down the tiers.
#include <clocale>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "base/cli.h"
#include "base/cli_docs.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/terminal.h"
#include "jsonl/stage_io.h"
#include "pack/pack_commands.h"
#include "pack/pack_flags.h"
#include "pack/packer.h"

int main(int argc, char** argv) {
  // Archive entry names are UTF-8 (libarchive needs a UTF-8 locale to say
  // so) and ZIP stores local time: make both independent of the user's.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  pix::ToolCli verify_cli("pix-pack verify",
                          "Check a dataset folder or archive against its MANIFEST (exit 1 on any "
                          "missing, altered or extra file)");
  pix::VerifyFlags verify;
  pix::AddVerifyFlags(&verify_cli, &verify);
  pix::ToolCli tier_cli("pix-pack tier",
                        "Move a dataset (folder or archive) down the storage tiers, verifying the "
                        "new archive against the MANIFEST before deleting the old form");
  pix::TierFlags tier;
  pix::AddTierFlags(&tier_cli, &tier);
  const std::string_view first = argc > 1 ? argv[1] : "";
  if (first == "verify" || first == "tier") {
    pix::ToolCli& sub = first == "verify" ? verify_cli : tier_cli;
    if (auto code = sub.Parse(argc - 1, argv + 1)) return *code;
    pix::Terminal terminal("pix-pack", first == "verify" ? verify.quiet : tier.quiet);
    return first == "verify" ? pix::RunPackVerify(verify, std::cout, &terminal)
                             : pix::RunPackTier(tier, time(nullptr), &terminal);
  }

  pix::ToolCli cli("pix-pack",
                   "Pack records into a dataset: folders, label files, manifest, report, archives "
                   "(also: pix-pack verify, pix-pack tier)");
  pix::CommonOptions common;
  pix::PackFlags flags;
  pix::PackOptions defaults;
  pix::AddPackFlags(&cli, &common, &flags, &defaults);
  if (argc == 3 && first == "--generate") {  // the subcommands' flags go in the docs too
    std::cout << pix::GenerateDocs(cli.app(), argv[2],
                                   {{"verify", &verify_cli.app()}, {"tier", &tier_cli.app()}});
    return pix::kExitOk;
  }
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto options = pix::ResolvePackOptions(flags, defaults, pix::ProcessEnv, time(nullptr));
  if (!options.ok()) {
    terminal.Error(options.status().message());
    std::cerr << "Run 'pix-pack --help' for usage.\n";
    return pix::kExitUsage;
  }
  return pix::RunStage("pack", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunPack(*options, io); });
}
