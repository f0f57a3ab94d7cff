#include "keywords/keyword_expander.h"

#include <fmt/format.h>

#include "keywords/query_template.h"
#include "llm/answer.h"
#include "text/query_text.h"

namespace pix {
namespace {

// Longer "queries" from a model are sentences, not searches.
constexpr size_t kMaxModelQueryBytes = 200;

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Collects queries for one label: normalised, folded-unique, filtered by
// the negative terms, and capped.
class QueryList {
 public:
  QueryList(std::vector<std::string> negatives, size_t cap)
      : negatives_(std::move(negatives)), cap_(cap) {}

  bool full() const { return cap_ > 0 && queries_.size() >= cap_; }

  void Add(std::string_view text, const char* source) {
    if (full()) return;
    std::string q = NormalizeQuery(text);
    if (q.empty()) return;
    if (std::string_view(source) == "llm" && q.size() > kMaxModelQueryBytes) return;
    // The user's own words stay even when they contain a negative term.
    if (std::string_view(source) != "user") {
      for (const std::string& neg : negatives_) {
        if (ContainsWords(q, neg)) return;
      }
    }
    if (!seen_.Insert(q)) return;
    queries_.push_back({std::move(q), source});
  }

  std::vector<KeywordQuery> Finish() && {
    std::string suffix;
    for (const std::string& neg : negatives_) {
      suffix += neg.find(' ') == std::string::npos ? " -" + neg : " -\"" + neg + "\"";
    }
    for (KeywordQuery& q : queries_) q.query += suffix;
    return std::move(queries_);
  }

 private:
  std::vector<std::string> negatives_;
  size_t cap_;
  QuerySet seen_;
  std::vector<KeywordQuery> queries_;
};

std::vector<std::string> Negatives(const std::vector<std::string>& global,
                                   const std::vector<std::string>& own) {
  std::vector<std::string> out;
  QuerySet seen;
  for (const auto* list : {&global, &own}) {
    for (const std::string& term : *list) {
      std::string t = NormalizeQuery(term);
      while (!t.empty() && t.front() == '-') t.erase(0, 1);  // "-cartoon" means "cartoon"
      if (!t.empty() && seen.Insert(t)) out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<KeywordExpander>> KeywordExpander::Create(KeywordOptions options,
                                                                 HttpOptions http) {
  for (const std::string& t : options.templates) PIX_RETURN_IF_ERROR(CheckQueryTemplate(t));
  std::unique_ptr<KeywordExpander> e(new KeywordExpander(std::move(options)));
  const KeywordOptions& o = e->options_;
  if (o.wordnet.enabled) {
    auto wn = WordNet::Open(o.wordnet.dir);
    if (!wn.ok()) {
      // Nothing has run yet and the fix is a setting or a package: a usage error.
      if (wn.status().code() == StatusCode::kNotFound) {
        return Status::InvalidArgument(wn.status().message());
      }
      return wn.status();
    }
    e->wordnet_ = std::move(wn).value();
  }
  if (o.llm.enabled) {
    if (o.llm.client.endpoint.model.empty()) {
      return Status::InvalidArgument(
          "LLM expansion needs a model: set llm.model in dataset.yaml or pass --llm-model");
    }
    if (o.llm.prompt.find("{label}") == std::string::npos) {
      return Status::InvalidArgument("the LLM prompt has no {label} placeholder");
    }
    e->llm_ = std::make_unique<ChatClient>(o.llm.client, std::move(http));
  }
  return e;
}

std::string KeywordExpander::Prompt(const std::string& label,
                                    const std::vector<std::string>& negatives) const {
  std::string avoid;
  if (!negatives.empty()) {
    avoid = " Leave out anything about: " + fmt::format("{}", fmt::join(negatives, ", ")) + ".";
  }
  std::string prompt =
      ReplaceAll(options_.llm.prompt, "{count}", std::to_string(options_.llm.count));
  prompt = ReplaceAll(std::move(prompt), "{avoid}", avoid);
  return ReplaceAll(std::move(prompt), "{label}", label);
}

Result<LabelExpansion> KeywordExpander::Expand(const DatasetClass& spec) {
  const KeywordOptions& o = options_;
  LabelExpansion out;
  const std::string label = NormalizeQuery(spec.label);
  const std::vector<std::string> negatives = Negatives(o.negative_terms, spec.negative_terms);
  QueryList list(negatives, o.max_queries_per_label);

  std::vector<std::string> terms;
  if (o.include_label) terms.push_back(label);
  for (const std::string& t : spec.extra_terms) terms.push_back(t);
  for (const std::string& t : terms) list.Add(t, "user");
  std::vector<std::string> bases = spec.extra_terms;
  bases.insert(bases.begin(), label);
  for (const std::string& base : bases) {
    for (const std::string& pattern : o.templates) {
      list.Add(ApplyQueryTemplate(pattern, NormalizeQuery(base)), "template");
    }
  }

  if (wordnet_ && !list.full()) {
    WordNetExpandOptions wo = o.wordnet.expand;
    if (spec.wordnet_sense) wo.sense = *spec.wordnet_sense;
    PIX_ASSIGN_OR_RETURN(WordNetExpansion wn, wordnet_->Expand(label, wo));
    out.wordnet_missing = wn.missing;
    out.wordnet_ambiguous = std::move(wn.ambiguous);
    for (const WordNetTerm& term : wn.terms) list.Add(term.text, "wordnet");
  }

  if (llm_ && !list.full()) {
    const ChatRequest request = ChatRequest::FromPrompt(o.llm.system, Prompt(label, negatives));
    ChatResult answer = llm_->Complete(request, [](const ChatResult& r) {
      auto items = ParseStringList(r.text);
      return items.ok() ? Status::Ok() : items.status();
    });
    out.llm_cached = answer.cached;
    if (answer.ok()) {
      auto items = ParseStringList(answer.text);
      int taken = 0;
      for (const std::string& item : *items) {
        if (taken++ >= o.llm.count) break;
        list.Add(item, "llm");
      }
    } else {
      out.llm_error_code = answer.error_code;
      out.llm_error_message = answer.error_message;
    }
  }
  out.queries = std::move(list).Finish();
  return out;
}

}  // namespace pix
