// pix-pack: turns the final records into a dataset folder (label files,
// manifest, statistics, report) and storage-tier archives; `pix-pack verify`
// checks one, `pix-pack tier` moves datasets down the tiers.
#include <fmt/format.h>

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/stage_io.h"
#include "pack/pack_flags.h"
#include "pack/packer.h"
#include "pack/tiering.h"

namespace {

int Verify(int argc, char** argv) {
  pix::ToolCli cli("pix-pack verify",
                   "Check a dataset folder or archive against its MANIFEST (exit 1 on any "
                   "missing, altered or extra file)");
  std::string target;
  bool quiet = false;
  cli.app().add_option("TARGET", target, "Dataset folder or archive")->required();
  cli.AddQuiet(&quiet);
  if (auto code = cli.Parse(argc, argv)) return *code;
  pix::Terminal terminal("pix-pack", quiet);
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

int Tier(int argc, char** argv) {
  pix::ToolCli cli("pix-pack tier",
                   "Move a dataset (folder or archive) down the storage tiers, verifying the new "
                   "archive against the MANIFEST before deleting the old form");
  std::string target, to, older_than;
  bool quiet = false;
  pix::ArchiveOptions archive;
  CLI::App& app = cli.app();
  app.add_option("TARGET", target, "Dataset folder or archive; with --older-than, a folder of them")
      ->required();
  app.add_option("--to", to, "Tier to move to")
      ->check(CLI::IsMember({"hot", "warm", "archive"}))
      ->required();
  app.add_option("--older-than", older_than,
                 "Move every dataset in TARGET last changed more than AGE ago (7d, 12h, 30m)")
      ->type_name("AGE");
  pix::AddArchiveFlags(&cli, &archive, "zstd threads for the archive tier (default: one per CPU)");
  cli.AddQuiet(&quiet);
  if (auto code = cli.Parse(argc, argv)) return *code;
  pix::Terminal terminal("pix-pack", quiet);
  pix::ResolveArchiveOptions(&archive);
  const pix::Tier tier = *pix::ParseTier(to);
  if (older_than.empty()) {
    auto moved = pix::MoveDownTier(target, tier, archive);
    if (!moved.ok()) {
      terminal.Error(moved.status().message());
      return moved.status().code() == pix::StatusCode::kCorruption
                 ? pix::kExitRecordsFailed
                 : pix::ExitCodeFor(moved.status());
    }
    terminal.Info(fmt::format("{} -> {} (verified)", target, *moved));
    return pix::kExitOk;
  }
  auto age = pix::ParseAge(older_than);
  if (!age) {
    terminal.Error("--older-than: expected a number with d, h, m or s (7d), got '" + older_than +
                   "'");
    return pix::kExitUsage;
  }
  auto moves = pix::MoveOlderDown(target, tier, time(nullptr) - *age, archive);
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
  if (argc > 1 && std::string_view(argv[1]) == "verify") return Verify(argc - 1, argv + 1);
  if (argc > 1 && std::string_view(argv[1]) == "tier") return Tier(argc - 1, argv + 1);

  pix::ToolCli cli("pix-pack",
                   "Pack records into a dataset: folders, label files, manifest, report, archives "
                   "(also: pix-pack verify, pix-pack tier)");
  pix::CommonOptions common;
  pix::PackFlags flags;
  pix::PackOptions defaults;
  pix::AddPackFlags(&cli, &common, &flags, &defaults);
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
