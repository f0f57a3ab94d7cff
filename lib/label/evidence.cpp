#include "label/evidence.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>

#include "jsonl/fields.h"

namespace pix {
namespace {

uint64_t QueryHash(std::string_view query) { return std::hash<std::string_view>{}(query); }

// The support for `label` among the first *used entries of *list, added
// (reusing an entry left from an earlier record, and its vectors' memory)
// when missing.
LabelSupport* SupportFor(std::vector<LabelSupport>* list, size_t* used, uint32_t label) {
  for (size_t k = 0; k < *used; ++k) {
    if ((*list)[k].label == label) return &(*list)[k];
  }
  if (*used == list->size()) list->emplace_back();
  LabelSupport& s = (*list)[(*used)++];
  s.label = label;
  s.queries.clear();
  s.engines = 0;
  s.best_rank = 0;
  s.text = 0;
  s.others_named.clear();
  return &s;
}

void AddFind(LabelSupport* s, uint64_t query, uint64_t engine_bit, int64_t rank) {
  auto it = std::lower_bound(s->queries.begin(), s->queries.end(), query);
  if (it == s->queries.end() || *it != query) s->queries.insert(it, query);
  s->engines |= engine_bit;
  if (rank > 0 && rank < INT32_MAX && (s->best_rank == 0 || rank < s->best_rank)) {
    s->best_rank = static_cast<int32_t>(rank);
  }
}

// Records that `label` is named in `places`.
void AddNamed(std::vector<NamedLabel>* v, uint32_t label, uint8_t places) {
  auto it = std::ranges::lower_bound(*v, label, {}, &NamedLabel::label);
  if (it == v->end() || it->label != label) it = v->insert(it, NamedLabel{label, 0});
  it->places |= places;
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// The last path segment of a URL, without query or fragment.
std::string_view FileNameOf(std::string_view url) {
  const size_t end = url.find_first_of("?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    const size_t path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  const size_t slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

// A string field's text: a view into the record when it has no escapes (the
// usual case, no copy), else decoded into *scratch. Empty when missing.
std::string_view StringField(const Record& record, std::string_view key, std::string* scratch) {
  auto raw = record.Raw(key);
  if (!raw || raw->size() < 2 || raw->front() != '"') return {};
  const std::string_view inner = raw->substr(1, raw->size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  *scratch = record.GetString(key).value_or("");
  return *scratch;
}

simdjson::dom::parser& ThreadParser() {
  static thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

void LabelSupport::Merge(const LabelSupport& other) {
  for (uint64_t q : other.queries) AddFind(this, q, 0, 0);
  engines |= other.engines;
  if (other.best_rank > 0 && (best_rank == 0 || other.best_rank < best_rank))
    best_rank = other.best_rank;
  text |= other.text;
  for (const NamedLabel& n : other.others_named) AddNamed(&others_named, n.label, n.places);
}

int LabelSupport::distinct_engines() const { return std::popcount(engines); }

int LabelSupport::most_places_naming_another() const {
  int most = 0;
  for (const NamedLabel& n : others_named) most = std::max(most, std::popcount(n.places));
  return most;
}

bool LabelSupport::names(uint32_t other_label) const {
  return std::ranges::binary_search(others_named, other_label, {}, &NamedLabel::label);
}

double SupportOf(const LabelSupport& s, const EvidenceWeights& w) {
  double z = w.queries * std::log2(1.0 + static_cast<double>(s.queries.size())) +
             w.engines * std::log2(1.0 + s.distinct_engines()) + w.text * std::popcount(s.text);
  if (s.best_rank > 0) {
    z += w.rank / std::log2(1.0 + s.best_rank) - w.rank_linear * std::min(s.best_rank, 200) / 100.0;
  }
  return z;
}

RivalSupport RivalsOf(const std::vector<LabelSupport>& candidates, size_t index) {
  RivalSupport r;
  const LabelSupport& own = candidates[index];
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (k == index) continue;
    const LabelSupport& c = candidates[k];
    r.queries = std::max(r.queries, c.queries.size());
    if (c.best_rank > 0 && (r.best_rank == 0 || c.best_rank < r.best_rank))
      r.best_rank = c.best_rank;
    if (own.names(c.label)) r.named = true;
  }
  return r;
}

LabelScore ScoreCandidate(const std::vector<LabelSupport>& candidates, size_t index,
                          const EvidenceWeights& w) {
  LabelScore out;
  const LabelSupport& own = candidates[index];
  out.support = SupportOf(own, w);
  double x = w.bias + out.support;
  if (const int o = own.most_places_naming_another(); o > 0)
    x -= w.other_text + w.other_text_more * (o - 1);
  if (candidates.size() > 1) {
    const RivalSupport r = RivalsOf(candidates, index);
    x += w.conflict - w.conflict_named * r.named;
    if (r.queries > 0) x -= w.conflict_queries * std::log2(static_cast<double>(r.queries));
    if (r.best_rank > 0) x -= w.conflict_rank / std::log2(1.0 + r.best_rank);
  }
  out.confidence = Sigmoid(x);
  return out;
}

uint32_t EvidenceVocabulary::LabelId(std::string_view label) {
  auto it = label_ids_.find(label);
  if (it != label_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(labels_.size());
  labels_.emplace_back(label);
  label_ids_.emplace(std::string(label), id);
  return id;
}

int64_t EvidenceVocabulary::FindLabel(std::string_view label) const {
  auto it = label_ids_.find(label);
  return it == label_ids_.end() ? -1 : static_cast<int64_t>(it->second);
}

uint64_t EvidenceVocabulary::EngineBit(std::string_view engine) {
  auto it = engine_ids_.find(engine);
  uint32_t id;
  if (it != engine_ids_.end()) {
    id = it->second;
  } else {
    id = static_cast<uint32_t>(engine_ids_.size());
    engine_ids_.emplace(std::string(engine), id);
  }
  return uint64_t{1} << std::min<uint32_t>(id, 63);
}

void CollectLabels(const Record& record, std::vector<std::string>* labels) {
  if (auto label = record.GetString(field::kLabel)) labels->push_back(std::move(*label));
  auto raw = record.Raw(field::kFoundBy);
  if (!raw || raw->find("\"label\"") == std::string_view::npos) return;
  simdjson::dom::element root;
  if (ThreadParser().parse(raw->data(), raw->size()).get(root)) return;
  simdjson::dom::array array;
  if (root.get_array().get(array)) return;
  for (simdjson::dom::element e : array) {
    std::string_view l;
    if (!e["label"].get_string().get(l)) labels->emplace_back(l);
  }
}

void ReadEvidence(const Record& record, uint32_t label, EvidenceVocabulary& vocabulary,
                  const TermMatcher& matcher, EvidenceScratch* scratch,
                  std::vector<LabelSupport>* out) {
  size_t used = 0;
  SupportFor(out, &used, label);
  bool any_find = false;
  if (auto raw = record.Raw(field::kFoundBy); raw && *raw != "null") {
    simdjson::dom::element root;
    simdjson::dom::array array;
    if (!ThreadParser().parse(raw->data(), raw->size()).get(root) && !root.get_array().get(array)) {
      for (simdjson::dom::element e : array) {
        std::string_view engine, query, l;
        int64_t rank = 0;
        if (e["engine"].get_string().get(engine)) engine = {};
        if (e["query"].get_string().get(query)) query = {};
        if (e["rank"].get_int64().get(rank)) rank = 0;
        uint32_t c = label;
        if (!e["label"].get_string().get(l)) {
          const int64_t id = vocabulary.FindLabel(l);
          if (id < 0) continue;
          c = static_cast<uint32_t>(id);
        }
        AddFind(SupportFor(out, &used, c), QueryHash(query),
                engine.empty() ? 0 : vocabulary.EngineBit(engine), rank);
        any_find = true;
      }
    }
  }
  if (!any_find) {
    // A record straight from pix-search without found_by, or a hand-made one.
    auto query = record.GetString(field::kQuery);
    auto engine = record.GetString(field::kEngine);
    if (query || engine) {
      AddFind(&(*out)[0], QueryHash(query.value_or("")), engine ? vocabulary.EngineBit(*engine) : 0,
              record.GetInt(field::kRank).value_or(0));
    }
  }
  out->resize(used);

  // The texts: which labels they name, and whether another label's term is
  // outside every term of a candidate.
  struct Text {
    const char* field;
    bool url;
    uint8_t place;
  };
  static constexpr Text kTexts[] = {
      {"title", false, kInTitle}, {"url", true, kInFileName}, {"page_url", true, kInPageUrl}};
  std::string decoded;
  for (const Text& t : kTexts) {
    const std::string_view value = StringField(record, t.field, &decoded);
    if (value.empty()) continue;
    scratch->tokens.clear();
    scratch->matches.clear();
    FoldTokens(t.place == kInFileName ? FileNameOf(value) : value, t.url, &scratch->tokens);
    matcher.Find(scratch->tokens, &scratch->matches);
    if (scratch->matches.empty()) continue;
    for (LabelSupport& c : *out) {
      for (const TermMatch& m : scratch->matches) {
        if (m.label == c.label) c.text |= t.place;
      }
      for (const TermMatch& m : scratch->matches) {
        if (m.label == c.label) continue;
        // Covered: inside an occurrence of c's own term ("fox" in "red fox").
        bool covered = false;
        for (const TermMatch& own : scratch->matches) {
          if (own.label == c.label && own.first <= m.first &&
              m.first + m.count <= own.first + own.count) {
            covered = true;
            break;
          }
        }
        if (covered) continue;
        AddNamed(&c.others_named, m.label, t.place);
      }
    }
  }
}

}  // namespace pix
