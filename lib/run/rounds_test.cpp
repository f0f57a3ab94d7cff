#include "run/rounds.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

RoundCounts Counts(std::map<std::string, int64_t> found, std::map<std::string, int64_t> unique) {
  return {std::move(found), std::move(unique)};
}

TEST_CASE("rounds: a new job is in round 1, searching every class") {
  const RoundState state = CurrentRound({});
  CHECK(state.round == 1);
  CHECK(state.classes.empty());
  CHECK_FALSE(state.ended);
}

TEST_CASE("rounds: classes short of the target are searched again, the others stop") {
  const std::vector<std::string> labels = {"cat", "dog", "fox"};
  auto rows = EndRound(
      CurrentRound({}), labels,
      Counts({{"cat", 40}, {"dog", 12}, {"fox", 30}}, {{"cat", 25}, {"dog", 10}, {"fox", 24}}), {},
      25, 4);
  REQUIRE(rows.size() == 3);
  CHECK_FALSE(rows[0].deeper);  // reached the target
  CHECK(rows[1].deeper);
  CHECK(rows[2].deeper);
  CHECK(rows[1].found == 12);
  CHECK(rows[1].unique == 10);
  const RoundState two = CurrentRound(rows);
  CHECK(two.round == 2);
  CHECK(two.classes == std::set<std::string>{"dog", "fox"});
  CHECK_FALSE(two.ended);
}

TEST_CASE("rounds: a class whose round found nothing new is exhausted") {
  const std::vector<std::string> labels = {"dog", "fox"};
  auto first = EndRound(CurrentRound({}), labels,
                        Counts({{"dog", 12}, {"fox", 30}}, {{"dog", 10}, {"fox", 20}}), {}, 25, 4);
  // Round 2: dog's search came back with the same 12 URLs; fox found more.
  auto second =
      EndRound(CurrentRound(first), labels,
               Counts({{"dog", 12}, {"fox", 50}}, {{"dog", 10}, {"fox", 24}}), first, 25, 4);
  CHECK(second[0].round == 2);
  CHECK_FALSE(second[0].deeper);
  CHECK(second[1].deeper);
  std::vector<RoundRow> all = first;
  all.insert(all.end(), second.begin(), second.end());
  CHECK(CurrentRound(all).round == 3);
  CHECK(CurrentRound(all).classes == std::set<std::string>{"fox"});
}

TEST_CASE("rounds: a class that reached its target is not searched again") {
  const std::vector<std::string> labels = {"cat", "dog"};
  auto first = EndRound(CurrentRound({}), labels,
                        Counts({{"cat", 40}, {"dog", 40}}, {{"cat", 23}, {"dog", 14}}), {}, 20, 4);
  REQUIRE_FALSE(first[0].deeper);
  REQUIRE(first[1].deeper);
  // Round 2 searched dog only; dedup kept dog's copies of images cat had
  // found too, so cat fell to 8. cat stays done: otherwise two classes that
  // share images would take turns until the last round.
  auto second =
      EndRound(CurrentRound(first), labels,
               Counts({{"cat", 40}, {"dog", 160}}, {{"cat", 8}, {"dog", 38}}), first, 20, 4);
  CHECK_FALSE(second[0].deeper);
  CHECK_FALSE(second[1].deeper);
  std::vector<RoundRow> all = first;
  all.insert(all.end(), second.begin(), second.end());
  CHECK(CurrentRound(all).ended);
}

TEST_CASE("rounds: an exhausted class stays stopped while others go on") {
  const std::vector<std::string> labels = {"owl", "fox"};
  auto first = EndRound(CurrentRound({}), labels,
                        Counts({{"owl", 4}, {"fox", 10}}, {{"owl", 4}, {"fox", 8}}), {}, 20, 4);
  auto second =
      EndRound(CurrentRound(first), labels,
               Counts({{"owl", 4}, {"fox", 20}}, {{"owl", 4}, {"fox", 15}}), first, 20, 4);
  REQUIRE_FALSE(second[0].deeper);  // owl found nothing new: exhausted
  REQUIRE(second[1].deeper);
  std::vector<RoundRow> all = first;
  all.insert(all.end(), second.begin(), second.end());
  auto third = EndRound(CurrentRound(all), labels,
                        Counts({{"owl", 4}, {"fox", 40}}, {{"owl", 4}, {"fox", 18}}), all, 20, 4);
  CHECK_FALSE(third[0].deeper);  // not searched, and never at its target
  CHECK(third[1].deeper);
}

TEST_CASE("rounds: the last allowed round ends the job's rounds, short or not") {
  const std::vector<std::string> labels = {"dog"};
  auto first = EndRound(CurrentRound({}), labels, Counts({{"dog", 5}}, {{"dog", 5}}), {}, 25, 2);
  REQUIRE(first[0].deeper);
  auto second =
      EndRound(CurrentRound(first), labels, Counts({{"dog", 9}}, {{"dog", 9}}), first, 25, 2);
  CHECK_FALSE(second[0].deeper);
  std::vector<RoundRow> all = first;
  all.insert(all.end(), second.begin(), second.end());
  const RoundState state = CurrentRound(all);
  CHECK(state.round == 2);
  CHECK(state.ended);
}

TEST_CASE("rounds: without a target nothing is searched again") {
  auto rows = EndRound(CurrentRound({}), {"dog"}, Counts({{"dog", 5}}, {{"dog", 5}}), {}, 0, 4);
  CHECK_FALSE(rows[0].deeper);
  CHECK(CurrentRound(rows).ended);
}

TEST_CASE("rounds: each round asks for twice the results, from every engine") {
  CHECK(RoundSearchArgs(1, 30).empty());
  CHECK(RoundSearchArgs(2, 30) == std::vector<std::string>{"--max", "60", "--every-engine"});
  CHECK(RoundSearchArgs(4, 30) == std::vector<std::string>{"--max", "240", "--every-engine"});
  CHECK(RoundSearchArgs(16, 90000)[1] == "100000");  // pix-search's ceiling
}

TEST_CASE("rounds: each round widens the keywords of the classes it searches") {
  CHECK(RoundKeywordArgs(RoundState{}).empty());
  RoundState third{.round = 3, .classes = {"red fox", "cat"}, .ended = false};
  CHECK(RoundKeywordArgs(third) ==
        std::vector<std::string>{"--widen", "2", "-k", "cat", "-k", "red fox"});
}

}  // namespace
}  // namespace pix
