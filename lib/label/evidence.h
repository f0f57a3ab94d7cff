// The `evidence` backend of pix-label: how sure the crawl itself is of an
// image's label, with no model. It uses what pix-search and pix-dedup
// recorded: which distinct queries and engines returned the image
// (`found_by`, with a "label" on entries found under another label), its best
// rank, whether a term of the label (the label, its queries, its WordNet
// synonyms and direct kinds) appears in the title, the image URL's file name
// or the page URL, whether another label's term appears there instead, and
// every label the same image (same sha256, or the same dedup cluster) was
// found under.
//
// For each candidate label c of an image (its own and every label in its
// found_by and its group), the support is
//
//   z(c) = wq*log2(1 + Q) + we*log2(1 + E) + wr/log2(1 + R) - wl*min(R, 200)/100 + wt*T
//
// Q distinct queries and E distinct engines that returned the image under c,
// R its best rank under c (both rank terms are 0 when no rank is known), T in
// 0..3 the number of places (title, file name, page URL) that name c. The
// confidence that c is right is
//
//   conf(c) = sigmoid(b + z(c) - wo*[O(c) > 0] - wo2*max(0, O(c) - 1)
//                     + K*(wk - wkq*log2(Q') - wkr/log2(1 + R') - wkn*N'))
//
// O(c) in 0..3 is the number of places naming one other label, the one named
// most, where c's own terms do not cover it: one place may be a word used two
// ways, the same other label in the title and the file name rarely is.
// K is 1 when the image was also found under other labels (a conflict): Q'
// is the most distinct queries any of them has, R' the best rank any of them
// has, N' is 1 when one of them is among the labels the texts name. Each
// candidate is scored on its own, so the confidences of one image's
// candidates need not add up to 1. The weights were fitted by logistic
// regression (bench/label/score.py --fit) on a labelled benchmark with
// planted errors, so that conf is calibrated there, and checked on other
// seeds; they are EvidenceWeights' defaults and are printed in pix-label(1).
//
// Thread-safety: pure functions over values. No failure modes: malformed
// found_by entries are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jsonl/record.h"
#include "label/label_text.h"

namespace pix {

struct EvidenceWeights {
  // Fitted by bench/label/score.py --fit on gen_records.py --seed 1 (100,000
  // images); seeds 2 and 7 checked the calibration (README, pix-label(1)).
  double bias = -0.872;
  double queries = 0.883;
  double engines = 1.277;
  double rank = 0.585;        // wr: on 1/log2(1 + R), rewards the top ranks
  double rank_linear = 4.71;  // wl: on min(R, 200)/100, punishes deep ones
  double text = 1.169;
  double other_text = 1.248;        // wo: another label named somewhere
  double other_text_more = 5.172;   // wo2: for each further place naming it
  double conflict = 0.6;            // wk
  double conflict_queries = 9.718;  // wkq
  double conflict_rank = 2.901;     // wkr
  double conflict_named = 3.638;    // wkn
};

// Where a label's terms were seen (bits).
enum TextPlace : uint8_t { kInTitle = 1, kInFileName = 2, kInPageUrl = 4 };

// Another label a candidate's texts name (outside the candidate's own terms).
struct NamedLabel {
  uint32_t label = 0;
  uint8_t places = 0;  // TextPlace bits

  friend bool operator==(const NamedLabel&, const NamedLabel&) = default;
};

// What the crawl says for one candidate label of one image.
struct LabelSupport {
  uint32_t label = 0;
  std::vector<uint64_t> queries;       // distinct query hashes, sorted
  uint64_t engines = 0;                // one bit per engine (EvidenceVocabulary ids)
  int32_t best_rank = 0;               // 0: unknown
  uint8_t text = 0;                    // TextPlace bits that name this label
  std::vector<NamedLabel> others_named;  // other labels named, sorted by label, distinct

  void Merge(const LabelSupport& other);
  int distinct_engines() const;
  // O(c): the most places (0..3) that name one other label.
  int most_places_naming_another() const;
  bool names(uint32_t other_label) const;
};

// The score of one label among an image's candidates.
struct LabelScore {
  double support = 0;     // z(c)
  double confidence = 0;  // conf(c)
};

// What the other candidates of a conflict bring against one of them.
struct RivalSupport {
  size_t queries = 0;     // Q'
  int32_t best_rank = 0;  // R' (0: unknown)
  bool named = false;     // N'
};
RivalSupport RivalsOf(const std::vector<LabelSupport>& candidates, size_t index);

double SupportOf(const LabelSupport& s, const EvidenceWeights& w);
// conf(c) for candidates[index].
LabelScore ScoreCandidate(const std::vector<LabelSupport>& candidates, size_t index,
                          const EvidenceWeights& w);

// Label names and engine names to small ids, shared by every record of a run.
class EvidenceVocabulary {
 public:
  // The id of `label`, adding it.
  uint32_t LabelId(std::string_view label);
  // The id of `label`, or -1 when unknown.
  int64_t FindLabel(std::string_view label) const;
  const std::string& LabelName(uint32_t id) const { return labels_[id]; }
  size_t label_count() const { return labels_.size(); }
  // A bit for `engine` (engines past the 63rd share the last bit).
  uint64_t EngineBit(std::string_view engine);

 private:
  // Looked up by string_view on the hot path, without building a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Ids = std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>>;
  std::vector<std::string> labels_;
  Ids label_ids_;
  Ids engine_ids_;
};

// The labels a record mentions: its own and those on found_by entries.
void CollectLabels(const Record& record, std::vector<std::string>* labels);

// Reads one record's evidence: one LabelSupport per candidate label (its own,
// `label`, first), using `matcher` for the texts. REQUIRES: every label the
// record mentions is in `vocabulary` (CollectLabels). `tokens` and `matches`
// are scratch space.
struct EvidenceScratch {
  std::vector<std::string> tokens;
  std::vector<TermMatch> matches;
};
void ReadEvidence(const Record& record, uint32_t label, EvidenceVocabulary& vocabulary,
                  const TermMatcher& matcher, EvidenceScratch* scratch,
                  std::vector<LabelSupport>* out);

}  // namespace pix
