#include "pack/pack_commands.h"

#include <fmt/format.h>

#include <optional>

#include "base/exit_code.h"
#include "pack/archive.h"
#include "pack/manifest.h"
#include "pack/tiering.h"

namespace pix {

int RunPackVerify(const VerifyFlags& flags, std::ostream& out, Terminal* terminal) {
  const std::string& target = flags.target;
  const bool folder = TierOf(target) == Tier::kFolder;
  auto report = folder ? VerifyFolder(target) : VerifyArchive(target);
  if (!report.ok()) {
    terminal->Error(report.status().message());
    return report.status().code() == StatusCode::kNotFound ? kExitRecordsFailed
                                                           : ExitCodeFor(report.status());
  }
  for (const auto& p : report->missing) out << "missing\t" << p << '\n';
  for (const auto& p : report->altered) out << "altered\t" << p << '\n';
  for (const auto& p : report->extra) out << "extra\t" << p << '\n';
  out.flush();
  terminal->Info(fmt::format("{}: {} files intact, {} missing, {} altered, {} extra", target,
                             report->checked, report->missing.size(), report->altered.size(),
                             report->extra.size()));
  return report->ok() ? kExitOk : kExitRecordsFailed;
}

int RunPackTier(TierFlags flags, time_t now, Terminal* terminal) {
  ResolveArchiveOptions(&flags.archive);
  const std::optional<Tier> tier = ParseTier(flags.to);
  if (!tier) {
    terminal->Error("--to: expected hot, warm or archive, got '" + flags.to + "'");
    return kExitUsage;
  }
  if (flags.older_than.empty()) {
    auto moved = MoveDownTier(flags.target, *tier, flags.archive);
    if (!moved.ok()) {
      terminal->Error(moved.status().message());
      return moved.status().code() == StatusCode::kCorruption ? kExitRecordsFailed
                                                              : ExitCodeFor(moved.status());
    }
    terminal->Info(fmt::format("{} -> {} (verified)", flags.target, *moved));
    return kExitOk;
  }
  auto age = ParseAge(flags.older_than);
  if (!age) {
    terminal->Error("--older-than: expected a number with d, h, m or s (7d), got '" +
                    flags.older_than + "'");
    return kExitUsage;
  }
  auto moves = MoveOlderDown(flags.target, *tier, now - *age, flags.archive);
  if (!moves.ok()) {
    terminal->Error(moves.status().message());
    return ExitCodeFor(moves.status());
  }
  int failed = 0;
  for (const auto& m : *moves) {
    if (m.status.ok()) {
      terminal->Info(fmt::format("{} -> {} (verified)", m.from, m.to));
    } else {
      terminal->Error(m.status.message());
      ++failed;
    }
  }
  terminal->Info(fmt::format("{} moved, {} failed", moves->size() - failed, failed));
  return failed ? kExitRecordsFailed : kExitOk;
}

}  // namespace pix
