// pix-pack: turns the final records into a dataset folder (label files,
// manifest, statistics, report) and storage-tier archives; `pix-pack verify`
// checks one, `pix-pack tier` moves datasets down the tiers.
#include <fmt/format.h>

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "base/cli.h"
#include "base/cli_docs.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/stage_io.h"
#include "pack/pack_flags.h"
#include "pack/packer.h"
#include "pack/tiering.h"

namespace {

int Verify(const pix::VerifyFlags& flags) {
  pix::Terminal terminal("pix-pack", flags.quiet);
  const std::string& target = flags.target;
  const bool folder = pix::TierOf(target) == pix::Tier::kFolder;
  auto report = folder ? pix::VerifyFolder(target) : pix::VerifyArchive(target);
  if (!report.ok()) {
    terminal.Error(report.status().message());
    return report.status().code() == pix::StatusCode::kNotFound ? pix::kExitRecordsFailed
                                                                : pix::ExitCodeFor(report.status());
  }
  for (const auto& p : report->missing) std::cout << "missing\t" << p << '\n';
  for (const auto& p : report->altered) std::cout << "altered\t" << p << '\n';
  for (const auto& p : report->extra) std::cout << "extra\t" << p << '\n';
  std::cout.flush();
  terminal.Info(fmt::format("{}: {} files intact, {} missing, {} altered, {} extra", target,
                            report->checked, report->missing.size(), report->altered.size(),
                            report->extra.size()));
  return report->ok() ? pix::kExitOk : pix::kExitRecordsFailed;
}

int Tier(pix::TierFlags flags) {
  pix::Terminal terminal("pix-pack", flags.quiet);
  pix::ResolveArchiveOptions(&flags.archive);
  const pix::Tier tier = *pix::ParseTier(flags.to);
  if (flags.older_than.empty()) {
    auto moved = pix::MoveDownTier(flags.target, tier, flags.archive);
    if (!moved.ok()) {
      terminal.Error(moved.status().message());
      return moved.status().code() == pix::StatusCode::kCorruption
                 ? pix::kExitRecordsFailed
                 : pix::ExitCodeFor(moved.status());
    }
    terminal.Info(fmt::format("{} -> {} (verified)", flags.target, *moved));
    return pix::kExitOk;
  }
  auto age = pix::ParseAge(flags.older_than);
  if (!age) {
    terminal.Error("--older-than: expected a number with d, h, m or s (7d), got '" +
                   flags.older_than + "'");
    return pix::kExitUsage;
  }
  auto moves = pix::MoveOlderDown(flags.target, tier, time(nullptr) - *age, flags.archive);
  if (!moves.ok()) {
    terminal.Error(moves.status().message());
    return pix::ExitCodeFor(moves.status());
  }
  int failed = 0;
  for (const auto& m : *moves) {
    if (m.status.ok()) {
      terminal.Info(fmt::format("{} -> {} (verified)", m.from, m.to));
    } else {
      terminal.Error(m.status.message());
      ++failed;
    }
  }
  terminal.Info(fmt::format("{} moved, {} failed", moves->size() - failed, failed));
  return failed ? pix::kExitRecordsFailed : pix::kExitOk;
}

}  // namespace

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
    return first == "verify" ? Verify(verify) : Tier(tier);
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
