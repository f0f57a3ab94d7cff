#include "keywords/keyword_stage.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "base/signals.h"
#include "base/terminal.h"
#include "jsonl/fields.h"
#include "text/query_text.h"

namespace pix {
namespace {

constexpr const char* kStage = "keywords";

// Appends the strings of a record's JSON array field (other values ignored).
void AppendStrings(const Record& record, std::string_view key, std::vector<std::string>* out) {
  auto raw = record.Raw(key);
  if (!raw) return;
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(raw->data(), raw->size()).get(array)) return;
  for (simdjson::dom::element e : array) {
    std::string_view s;
    if (!e.get(s)) out->emplace_back(s);
  }
}

class KeywordStage {
 public:
  KeywordStage(KeywordExpander* expander, const KeywordSources& sources, StageIo* io)
      : expander_(expander), sources_(sources), io_(io) {}

  Status Run() {
    if (sources_.fixed) {
      for (const DatasetClass& spec : sources_.labels) {
        if (InterruptRequested()) return Status::Interrupted();
        ++io_->counters().read;
        Record record;
        record.SetString(field::kLabel, spec.label);
        PIX_RETURN_IF_ERROR(Handle(record, spec));
      }
      return Status::Ok();
    }
    for (;;) {
      if (InterruptRequested()) return Status::Interrupted();
      PIX_ASSIGN_OR_RETURN(std::optional<Record> next, io_->Read());
      if (!next) return Status::Ok();
      Record& record = *next;
      if (HasRecordError(record)) {
        PIX_RETURN_IF_ERROR(io_->PassThrough(record));
        continue;
      }
      auto label = record.GetString(field::kLabel);
      if (!label || NormalizeQuery(*label).empty()) {
        SetRecordError(&record, kStage, "missing_label", "the record has no \"label\" text");
        PIX_RETURN_IF_ERROR(io_->Write(record));
        continue;
      }
      DatasetClass spec;
      if (const DatasetClass* known = FindDatasetClass(sources_.classes, *label)) spec = *known;
      spec.label = *label;
      AppendStrings(record, "extra_terms", &spec.extra_terms);
      AppendStrings(record, "negative_terms", &spec.negative_terms);
      PIX_RETURN_IF_ERROR(Handle(record, spec));
    }
  }

  std::string Summary() const {
    std::string s =
        Counted(queries_, "query", "queries") + " for " + Counted(labels_, "label", "labels");
    if (!wordnet_missing_.empty()) {
      s += fmt::format("; WordNet knew nothing for {} label(s)", wordnet_missing_.size());
    }
    if (wordnet_ambiguous_ > 0) {
      s += fmt::format("; {} left out as ambiguous (--wordnet-keep-ambiguous keeps them)",
                       Counted(wordnet_ambiguous_, "WordNet word", "WordNet words"));
    }
    if (const ChatClient* llm = expander_->llm()) {
      s += fmt::format("; LLM: {} request(s), {} answer(s) from the cache", llm->requests_sent(),
                       llm->cache_hits());
      if (!llm->cache_error().ok()) s += "; " + llm->cache_error().message();
    }
    return s;
  }

 private:
  Status Handle(Record& record, const DatasetClass& spec) {
    auto expanded = expander_->Expand(spec);
    if (!expanded.ok()) {
      // A fatal error ends the run, but the record read is still written.
      Record failed = record;
      SetRecordError(&failed, kStage, "interrupted",
                     "the stage stopped on a fatal error: " + expanded.status().message());
      PIX_RETURN_IF_ERROR(io_->Write(failed));
      return expanded.status();
    }
    const LabelExpansion& expansion = *expanded;
    ++labels_;
    wordnet_ambiguous_ += expansion.wordnet_ambiguous.size();
    if (!expansion.wordnet_missing.empty()) {
      wordnet_missing_.push_back(spec.label);
      io_->terminal().Warning(
          fmt::format("\"{}\": {}; no WordNet queries", spec.label, expansion.wordnet_missing));
    }
    for (const KeywordQuery& q : expansion.queries) {
      Record out = record;
      out.SetString(field::kQuery, q.query);
      out.SetString(field::kQuerySource, q.source);
      PIX_RETURN_IF_ERROR(io_->Write(out));
      ++queries_;
    }
    if (!expansion.llm_error_code.empty()) {
      Record failed = record;
      SetRecordError(&failed, kStage, expansion.llm_error_code, expansion.llm_error_message);
      PIX_RETURN_IF_ERROR(io_->Write(failed));
    } else if (expansion.queries.empty()) {
      Record failed = record;
      std::string why = "every source is off or found nothing";
      if (!expansion.wordnet_missing.empty())
        why += " (WordNet: " + expansion.wordnet_missing + ")";
      SetRecordError(&failed, kStage, "no_queries", "no query for \"" + spec.label + "\": " + why);
      PIX_RETURN_IF_ERROR(io_->Write(failed));
    }
    io_->ShowProgress(fmt::format(", {} queries", queries_));
    return Status::Ok();
  }

  KeywordExpander* expander_;
  const KeywordSources& sources_;
  StageIo* io_;
  uint64_t labels_ = 0;
  uint64_t queries_ = 0;
  uint64_t wordnet_ambiguous_ = 0;
  std::vector<std::string> wordnet_missing_;
};

}  // namespace

int RunKeywords(KeywordExpander& expander, const KeywordSources& sources, StageIo& io) {
  KeywordStage stage(&expander, sources, &io);
  Status status = stage.Run();
  return io.Finish(status, stage.Summary());
}

}  // namespace pix
