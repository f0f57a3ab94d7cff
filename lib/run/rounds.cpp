#include "run/rounds.h"

#include <algorithm>

namespace pix {
namespace {

// pix-search's own ceiling for --max.
constexpr size_t kMaxResultsPerQuery = 100000;

int64_t CountOf(const std::map<std::string, int64_t>& counts, const std::string& label) {
  auto it = counts.find(label);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

RoundState CurrentRound(const std::vector<RoundRow>& rows) {
  RoundState state;
  if (rows.empty()) return state;
  const int last = std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
                     return a.round < b.round;
                   })->round;
  for (const RoundRow& row : rows) {
    if (row.round == last && row.deeper) state.classes.insert(row.label);
  }
  if (state.classes.empty()) {
    state.round = last;
    state.ended = true;
  } else {
    state.round = last + 1;
  }
  return state;
}

std::vector<RoundRow> EndRound(const RoundState& state, const std::vector<std::string>& labels,
                               const RoundCounts& counts, const std::vector<RoundRow>& earlier,
                               size_t target, size_t max_rounds) {
  std::map<std::string, int64_t> found_before;
  for (const RoundRow& row : earlier) {
    if (row.round == state.round - 1) found_before[row.label] = row.found;
  }
  std::vector<RoundRow> rows;
  for (const std::string& label : labels) {
    RoundRow row;
    row.round = state.round;
    row.label = label;
    row.found = CountOf(counts.found, label);
    row.unique = CountOf(counts.unique, label);
    const bool searched = state.classes.empty() || state.classes.count(label) > 0;
    const bool short_of_target = target > 0 && row.unique < static_cast<int64_t>(target);
    // A round that found nothing new for a class has exhausted its sources.
    // A class that reached its target is done, even if a later round's dedup
    // keeps another class's copy of some of its images (searching it again
    // would let two such classes take turns for every round allowed).
    auto before = found_before.find(label);
    const bool grew = before == found_before.end() || row.found > before->second;
    row.deeper =
        searched && short_of_target && grew && static_cast<size_t>(state.round) < max_rounds;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> RoundSearchArgs(int round, size_t base_max) {
  if (round <= 1) return {};
  size_t max = std::max<size_t>(base_max, 1);
  for (int r = 1; r < round && max < kMaxResultsPerQuery; ++r) max *= 2;
  return {"--max", std::to_string(std::min(max, kMaxResultsPerQuery)), "--every-engine"};
}

std::vector<std::string> RoundKeywordArgs(const RoundState& state) {
  if (state.round <= 1) return {};
  std::vector<std::string> args = {"--widen", std::to_string(state.round - 1)};
  for (const std::string& label : state.classes) {
    args.push_back("-k");
    args.push_back(label);
  }
  return args;
}

}  // namespace pix
