#include "label/label_stage.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/files.h"
#include "base/signals.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "jsonl/record_spool.h"
#include "label/label_report.h"

namespace pix {
namespace {

constexpr std::string_view kStage = "label";

// What a record is to this run.
enum class Kind : uint8_t {
  kArrivedFailed,  // an earlier stage's error: passed through
  kUntouched,      // "valid": false: passed through
  kDuplicate,      // dup_of: passed through, but its labels are evidence for its image
  kMissingLabel,
  kUnknownLabel,  // outside the closed set
  kLabelled,
};

struct Slot {
  uint32_t group = 0;
  uint32_t label = 0;
  Kind kind = Kind::kLabelled;
};

constexpr uint32_t kNoItem = UINT32_MAX;

double Round4(double x) { return std::round(x * 1e4) / 1e4; }

Kind Classify(const Record& record) {
  if (HasRecordError(record)) return Kind::kArrivedFailed;
  if (record.GetBool(field::kValid) == false) return Kind::kUntouched;
  auto label = record.GetString(field::kLabel);
  if (!label || label->empty()) return Kind::kMissingLabel;
  if (record.Has(field::kDupOf) && !record.IsNull(field::kDupOf)) return Kind::kDuplicate;
  return Kind::kLabelled;
}

std::string ResolvePath(const std::string& base, const std::string& path) {
  if (base.empty() || path.empty() || path[0] == '/') return path;
  return base.back() == '/' ? base + path : base + "/" + path;
}

int ExifOrientation(const Record& record) {
  auto raw = record.Raw(field::kExif);
  if (!raw || raw->find("orientation") == std::string_view::npos) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  int64_t o = 0;
  if (parser.parse(raw->data(), raw->size()).get(e) || e["orientation"].get_int64().get(o))
    return 0;
  return static_cast<int>(o);
}

// Per-thread state of the writing pass: scratch space, and a copy of the
// vocabulary (ReadEvidence adds engine names to it; engine ids only count
// distinct engines within one record, so copies need not agree).
struct DecideWorker {
  EvidenceVocabulary vocabulary;
  EvidenceScratch scratch;
  std::vector<LabelSupport> single;  // the candidates of a one-record image
  std::vector<double> confs;         // each candidate's confidence
};

// What Decide() concluded, for the report (kept in input order).
struct Outcome {
  uint32_t label = 0;
  double confidence = 0;
  bool keep = true, review = false, conflict = false, disagreement = false;
};

class LabelRun {
 public:
  LabelRun(const LabelOptions& o, StageIo& io) : o_(o), io_(io) {}

  int Run() {
    Status s = ReadAll();
    if (s.ok()) s = BuildMatcher();
    if (s.ok()) s = GatherEvidence();
    if (s.ok()) s = RunBackends();
    if (s.ok()) s = WriteAll();
    if (!s.ok()) WriteUnlabelled(s);
    for (ImageLabelBackend* b : o_.backends) report_.backend_summaries[b->name()] = b->Summary();
    if (rejects_) {
      Status closed = rejects_->Close();
      if (s.ok()) s = closed;
    }
    if (s.ok() && !o_.report_path.empty())
      s = WriteFileAtomic(o_.report_path, report_.Json() + "\n");
    if (s.ok() && !io_.terminal().quiet()) {
      for (const std::string& line : report_.Lines()) io_.terminal().Info(line);
    }
    Warnings();
    // --stats "extra": the summary's numbers, for scripts.
    io_.SetStat("labelled", static_cast<double>(report_.labelled));
    io_.SetStat("needs_review", static_cast<double>(report_.needs_review()));
    io_.SetStat("moved", static_cast<double>(report_.moved()));
    io_.SetStat("conflicts", static_cast<double>(report_.conflicts));
    io_.SetStat("disagreements", static_cast<double>(report_.disagreements));
    io_.SetStat("dropped", static_cast<double>(report_.dropped()));
    io_.SetStat("passed_untouched", static_cast<double>(report_.passed_untouched));
    io_.SetStat("missing_label", static_cast<double>(report_.missing_label));
    io_.SetStat("unknown_label", static_cast<double>(report_.unknown_label));
    return io_.Finish(s, SummaryText());
  }

 private:
  // Pass 1: spool every record, classify it and learn the labels.
  Status ReadAll() {
    PIX_ASSIGN_OR_RETURN(spool_, RecordSpool::Create(o_.temp_dir));
    for (const std::string& l : o_.labels) vocabulary_.LabelId(l);
    closed_ = !o_.labels.empty();
    std::vector<std::string> labels;
    std::string line;
    // Parsing (and validating) the input runs on a second thread, ahead of
    // this one: the run's biggest single cost, overlapped with the rest.
    std::mutex mutex;
    std::condition_variable queued;
    bool ready = false;
    io_.StartReadAhead(4096, [&] {
      std::lock_guard lock(mutex);
      ready = true;
      queued.notify_one();
    });
    Record record;
    for (;;) {
      if (InterruptRequested()) return Status::Interrupted();
      {
        std::lock_guard lock(mutex);
        ready = false;
      }
      PIX_ASSIGN_OR_RETURN(StageIo::ReadState state, io_.TryRead(&record));
      if (state == StageIo::ReadState::kEnd) break;
      if (state == StageIo::ReadState::kNone) {
        std::unique_lock lock(mutex);
        queued.wait_for(lock, std::chrono::milliseconds(100), [&] { return ready; });
        continue;
      }
      line.clear();
      record.AppendJson(&line);
      PIX_RETURN_IF_ERROR(spool_->Append(line));
      Slot slot;
      slot.kind = Classify(record);
      if (slot.kind == Kind::kLabelled || slot.kind == Kind::kDuplicate) {
        labels.clear();
        CollectLabels(record, &labels);
        for (size_t i = 0; i < labels.size(); ++i) {
          int64_t id = vocabulary_.FindLabel(labels[i]);
          if (id < 0 && !closed_) id = vocabulary_.LabelId(labels[i]);
          if (i == 0) {
            if (id < 0) {
              slot.kind = slot.kind == Kind::kLabelled ? Kind::kUnknownLabel : Kind::kUntouched;
            } else {
              slot.label = static_cast<uint32_t>(id);
            }
          }
        }
        if (slot.kind == Kind::kLabelled || slot.kind == Kind::kDuplicate) {
          auto& queries = queries_[slot.label];
          if (auto q = record.GetString(field::kQuery);
              q && queries.size() < 200 && !queries.contains(*q)) {
            queries.insert(std::move(*q));
          }
          slot.group = GroupOf(record);
        }
      }
      slots_.push_back(slot);
      if ((slots_.size() & 0xfff) == 0) io_.ShowProgress(", reading");
    }
    groups_.resize(group_members_.size());
    cluster_groups_ = {};
    sha_groups_ = {};
    return Status::Ok();
  }

  // The group of a record's image: records with the same dedup cluster, or
  // else the same sha256, share one; a record with neither is its own.
  uint32_t GroupOf(const Record& record) {
    // Keyed by the cluster number, or by a 64-bit hash of the sha256 (two
    // different sha256 values share a hash with odds of about 1 in 10^8 at
    // a million images; the same hash merely merges their evidence).
    std::unordered_map<uint64_t, uint32_t>* map = nullptr;
    uint64_t key = 0;
    if (auto cluster = record.GetInt(field::kCluster)) {
      map = &cluster_groups_;
      key = static_cast<uint64_t>(*cluster);
    } else if (auto sha = record.Raw(field::kSha256);
               sha && sha->size() > 2 && sha->front() == '"') {
      map = &sha_groups_;
      key = std::hash<std::string_view>{}(*sha);
    }
    const auto next = static_cast<uint32_t>(group_members_.size());
    if (!map) {
      group_members_.push_back(1);
      return next;
    }
    auto [it, added] = map->try_emplace(key, next);
    if (added) {
      group_members_.push_back(1);
    } else if (group_members_[it->second] < 2) {
      ++group_members_[it->second];
    }
    return it->second;
  }

  // The terms of every label: its name, its queries, its WordNet synonyms
  // and direct hyponyms.
  Status BuildMatcher() {
    WordNetExpandOptions expand;
    expand.depth = 1;
    expand.max_terms = 60;
    for (uint32_t id = 0; id < vocabulary_.label_count(); ++id) {
      const std::string& name = vocabulary_.LabelName(id);
      matcher_.Add(id, name);
      for (const std::string& q : queries_[id]) matcher_.Add(id, q);
      if (o_.wordnet) {
        PIX_ASSIGN_OR_RETURN(WordNetExpansion e, o_.wordnet->Expand(name, expand));
        for (const WordNetTerm& t : e.terms) matcher_.Add(id, t.text);
        if (!e.missing.empty()) ++labels_unknown_to_wordnet_;
      }
    }
    return Status::Ok();
  }

  // Pass 2: the evidence of images that several records share, merged over
  // them; with image backends, of every image (their prior). An image of
  // one record is read in pass 3 instead, so most records are parsed twice,
  // not three times.
  Status GatherEvidence() {
    PIX_RETURN_IF_ERROR(spool_->Rewind());
    std::vector<LabelSupport> supports;
    std::string line;
    const bool need_items = !o_.backends.empty();
    if (need_items) item_of_.assign(slots_.size(), kNoItem);
    for (size_t i = 0; i < slots_.size(); ++i) {
      if ((i & 0xfff) == 0 && InterruptRequested()) return Status::Interrupted();
      PIX_ASSIGN_OR_RETURN(bool more, spool_->Next(&line));
      if (!more) return Status::Internal("the spool ended early");
      const Slot& slot = slots_[i];
      if (slot.kind != Kind::kLabelled && slot.kind != Kind::kDuplicate) continue;
      if (!need_items && group_members_[slot.group] < 2) continue;
      Record record = Record::ParseTrusted(line);
      ReadEvidence(record, slot.label, vocabulary_, matcher_, &scratch_, &supports);
      std::vector<LabelSupport>& candidates = groups_[slot.group];
      for (const LabelSupport& s : supports) {
        auto it = std::find_if(candidates.begin(), candidates.end(),
                               [&](const LabelSupport& c) { return c.label == s.label; });
        if (it == candidates.end()) {
          candidates.push_back(s);
        } else {
          it->Merge(s);
        }
      }
      if (need_items && slot.kind == Kind::kLabelled) {
        if (auto path = record.GetString(field::kPath); path && !path->empty()) {
          item_of_[i] = static_cast<uint32_t>(items_.size());
          LabelItem item;
          item.path = ResolvePath(o_.base_dir, *path);
          item.label = slot.label;
          item.orientation = ExifOrientation(record);
          items_.push_back(std::move(item));
        }
      }
      if ((i & 0xfff) == 0) io_.ShowProgress(", gathering evidence");
    }
    return Status::Ok();
  }

  // The candidates of record i's image: gathered in pass 2, or read now from
  // the record when it is its image's only one.
  const std::vector<LabelSupport>& CandidatesOf(size_t i, const Record& record,
                                                DecideWorker& w) const {
    const Slot& slot = slots_[i];
    if (!groups_[slot.group].empty()) return groups_[slot.group];
    ReadEvidence(record, slot.label, w.vocabulary, matcher_, &w.scratch, &w.single);
    return w.single;
  }

  static size_t IndexOf(const std::vector<LabelSupport>& candidates, uint32_t label) {
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (candidates[k].label == label) return k;
    }
    return candidates.size();
  }

  // The image backends, in order, over every usable image.
  Status RunBackends() {
    if (o_.backends.empty()) return Status::Ok();
    std::vector<std::string> names;
    for (uint32_t id = 0; id < vocabulary_.label_count(); ++id)
      names.push_back(vocabulary_.LabelName(id));
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (item_of_[i] == kNoItem) continue;
      const Slot& slot = slots_[i];
      items_[item_of_[i]].prior =
          o_.evidence ? ScoreCandidate(groups_[slot.group],
                                       IndexOf(groups_[slot.group], slot.label), o_.weights)
                            .confidence
                      : 0.0;
    }
    verdicts_.resize(o_.backends.size());
    for (size_t b = 0; b < o_.backends.size(); ++b) {
      io_.ShowProgress(fmt::format(", {} on {} images", o_.backends[b]->name(), items_.size()));
      PIX_RETURN_IF_ERROR(o_.backends[b]->Run(items_, names, &verdicts_[b]));
      if (verdicts_[b].size() != items_.size()) return Status::Internal("a backend lost verdicts");
    }
    return Status::Ok();
  }

  // Pass 3: decide and write. Records are decided in batches, the halves of
  // a batch on two threads (Decide() reads only what passes 1 and 2 built),
  // then written and counted in input order.
  Status WriteAll() {
    if (o_.drop_below > 0 && !o_.rejects_path.empty()) {
      PIX_ASSIGN_OR_RETURN(rejects_, RecordWriter::Open(o_.rejects_path, LineBuffering::kAuto));
    }
    if (o_.evidence) report_.backends.push_back("evidence");
    for (ImageLabelBackend* b : o_.backends) report_.backends.push_back(b->name());
    PIX_RETURN_IF_ERROR(spool_->Rewind());
    constexpr size_t kBatch = 4096;
    const bool two_threads = std::thread::hardware_concurrency() > 1;
    DecideWorker workers[2];
    for (DecideWorker& w : workers) w.vocabulary = vocabulary_;
    std::vector<std::string> lines(kBatch);
    std::vector<Record> records(kBatch);
    std::vector<Outcome> outcomes(kBatch);
    for (size_t first = 0; first < slots_.size(); first += kBatch) {
      if (InterruptRequested()) return Status::Interrupted();
      const size_t n = std::min(kBatch, slots_.size() - first);
      for (size_t j = 0; j < n; ++j) {
        PIX_ASSIGN_OR_RETURN(bool more, spool_->Next(&lines[j]));
        if (!more) return Status::Internal("the spool ended early");
      }
      auto decide = [&](size_t from, size_t to, DecideWorker& w) {
        for (size_t j = from; j < to; ++j) {
          records[j] = Record::ParseTrusted(lines[j]);
          const size_t i = first + j;
          if (slots_[i].kind == Kind::kLabelled) {
            outcomes[j] = Decide(i, CandidatesOf(i, records[j], w), &records[j], w);
          }
        }
      };
      if (two_threads && n > 256) {
        std::thread helper(decide, n / 2, n, std::ref(workers[1]));
        decide(0, n / 2, workers[0]);
        helper.join();
      } else {
        decide(0, n, workers[0]);
      }
      for (size_t j = 0; j < n; ++j) PIX_RETURN_IF_ERROR(Emit(first + j, records[j], outcomes[j]));
      io_.ShowProgress();
    }
    return Status::Ok();
  }

  // After a stop (a malformed input line, SIGINT, a failing backend), the
  // records read but not yet written still are, so nothing read is lost
  // (pix(7)): those it would have labelled with an "interrupted" error
  // naming the reason, for a re-run; the others as a finished run would.
  void WriteUnlabelled(const Status& why) {
    if (!spool_ || why.code() == StatusCode::kBrokenPipe || !spool_->Rewind().ok()) return;
    // A failure to write is not reported: `why` already ends the run.
    (void)ForEachSpooledRecord(*spool_, emitted_, slots_.size(), [&](size_t i, Record& record) {
      if (slots_[i].kind == Kind::kArrivedFailed) return io_.PassThrough(record);
      if (slots_[i].kind == Kind::kLabelled) {
        SetRecordError(&record, kStage, "interrupted",
                       "pix-label stopped before labelling this record: " + why.message());
      }
      return io_.Write(record);
    });
  }

  // Writes record i (decided, when labelled) and counts it.
  Status Emit(size_t i, Record& record, const Outcome& outcome) {
    ++emitted_;
    const Slot& slot = slots_[i];
    switch (slot.kind) {
      case Kind::kArrivedFailed:
        return io_.PassThrough(record);
      case Kind::kUntouched:
      case Kind::kDuplicate:
        ++report_.passed_untouched;
        return io_.Write(record);
      case Kind::kMissingLabel:
      case Kind::kUnknownLabel: {
        const bool missing = slot.kind == Kind::kMissingLabel;
        ++(missing ? report_.missing_label : report_.unknown_label);
        if (o_.strict) {
          SetRecordError(&record, kStage, missing ? "missing_label" : "unknown_label",
                         missing ? "the record has no label"
                                 : fmt::format("label '{}' is not in --labels",
                                               record.GetString(field::kLabel).value_or("")));
        }
        return io_.Write(record);
      }
      case Kind::kLabelled:
        report_.conflicts += outcome.conflict;
        report_.disagreements += outcome.disagreement;
        report_.Add(vocabulary_.LabelName(slot.label), vocabulary_.LabelName(outcome.label),
                    outcome.confidence, outcome.review, !outcome.keep);
        if (outcome.keep) return io_.Write(record);
        return rejects_ ? rejects_->Write(record) : Status::Ok();
    }
    return Status::Ok();
  }

  // Sets the label fields; returns false when the record is dropped.
  // Thread-safe: reads the run's state, writes only `record` and `w`.
  Outcome Decide(size_t i, const std::vector<LabelSupport>& candidates, Record* record,
                 DecideWorker& w) const {
    const EvidenceVocabulary& vocabulary = w.vocabulary;
    const Slot& slot = slots_[i];
    const uint32_t original = slot.label;
    uint32_t label = original;
    double confidence = 0;
    bool have = false;
    std::string source;
    bool conflict = false, unsettled = false, disagreement = false;
    // Something speaks against the label beyond weak support: another label
    // named in its texts or sharing the image, or a model that saw the picture.
    bool contested = false;
    JsonBuilder why;
    why.BeginObject();
    if (o_.evidence) {
      const size_t own = IndexOf(candidates, label);
      std::vector<double>& confs = w.confs;
      confs.assign(candidates.size(), 0.0);
      size_t best = own;
      for (size_t k = 0; k < candidates.size(); ++k) {
        confs[k] = ScoreCandidate(candidates, k, o_.weights).confidence;
        if (confs[k] > confs[best]) best = k;
      }
      confidence = confs[own];
      have = true;
      source = "evidence";
      conflict = candidates.size() > 1;
      const LabelSupport& s = candidates[own];
      contested = conflict || !s.others_named.empty();
      why.Key("evidence").BeginObject();
      why.Key("score").Double(Round4(confidence));
      why.Key("queries").Int(static_cast<int64_t>(s.queries.size()));
      why.Key("engines").Int(s.distinct_engines());
      if (s.best_rank > 0) why.Key("best_rank").Int(s.best_rank);
      why.Key("text").BeginArray();
      if (s.text & kInTitle) why.String("title");
      if (s.text & kInFileName) why.String("file_name");
      if (s.text & kInPageUrl) why.String("page_url");
      why.EndArray();
      if (!s.others_named.empty()) {
        why.Key("other_labels_named").BeginArray();
        for (const NamedLabel& n : s.others_named) why.String(vocabulary.LabelName(n.label));
        why.EndArray();
        why.Key("other_label_places").Int(s.most_places_naming_another());
      }
      if (conflict) {
        why.Key("found_under").BeginObject();
        for (size_t k = 0; k < candidates.size(); ++k) {
          why.Key(vocabulary.LabelName(candidates[k].label)).Double(Round4(confs[k]));
        }
        why.EndObject();
        const RivalSupport r = RivalsOf(candidates, own);
        why.Key("rivals").BeginObject();
        why.Key("queries").Int(static_cast<int64_t>(r.queries));
        if (r.best_rank > 0) why.Key("best_rank").Int(r.best_rank);
        why.Key("named").Bool(r.named);
        why.EndObject();
        why.Key("best_supported").String(vocabulary.LabelName(candidates[best].label));
        // A conflict the evidence settles for the image's own label is
        // recorded, not flagged: only an image another label supports at
        // least as well needs a person.
        for (size_t k = 0; k < candidates.size(); ++k)
          unsettled |= k != own && confs[k] >= confs[own];
      }
      why.EndObject();
      if (o_.relabel && best != own && confs[best] - confidence >= o_.relabel_margin) {
        label = candidates[best].label;
        confidence = confs[best];
      }
    }
    const uint32_t item = item_of_.empty() ? kNoItem : item_of_[i];
    for (size_t b = 0; b < o_.backends.size(); ++b) {
      const char* name = o_.backends[b]->name();
      why.Key(name).BeginObject();
      if (item == kNoItem) {
        why.Key("error").String("no_image");
        why.EndObject();
        continue;
      }
      const LabelVerdict& v = verdicts_[b][item];
      if (!v.ok) {
        why.Key("error").String(v.error_code);
        if (!v.facts.empty()) why.Raw(v.facts);
        why.EndObject();
        continue;
      }
      why.Key("label").String(v.label == kNoLabel ? "none" : vocabulary.LabelName(v.label));
      why.Key("score").Double(Round4(v.confidence));
      if (!v.facts.empty()) why.Raw(v.facts);
      why.EndObject();
      contested = true;
      const double weight = o_.refine_weight;
      double p_own = v.label == label ? v.confidence : 1 - v.confidence;
      if (v.label != label && label == original && v.own_confidence >= 0) p_own = v.own_confidence;
      const double blended = have ? (1 - weight) * confidence + weight * p_own : p_own;
      if (v.label != label && v.confidence >= 0.5) disagreement = true;
      source = name;
      if (o_.relabel && v.label != label && v.label != kNoLabel) {
        double prior = 0;
        if (o_.evidence && have) {
          const size_t k = IndexOf(candidates, v.label);
          if (k < candidates.size()) prior = ScoreCandidate(candidates, k, o_.weights).confidence;
        }
        const double other = have ? (1 - weight) * prior + weight * v.confidence : v.confidence;
        if (other - blended >= o_.relabel_margin) {
          label = v.label;
          confidence = other;
          have = true;
          continue;
        }
      }
      confidence = blended;
      have = true;
    }
    confidence = std::clamp(confidence, 0.0, 1.0);
    const bool low =
        confidence < o_.review_below && (contested || confidence < o_.review_weak_below);
    const bool review = low || unsettled || disagreement;
    if (label != original) why.Key("moved_from").String(vocabulary.LabelName(original));
    why.Key("review").BeginArray();
    if (low) why.String("low_confidence");
    if (unsettled) why.String("conflict");
    if (disagreement) why.String("disagreement");
    why.EndArray();
    why.EndObject();

    if (label != original) record->SetString(field::kLabel, vocabulary.LabelName(label));
    record->SetDouble(field::kLabelConfidence, Round4(confidence));
    record->SetString(field::kLabelSource, source.empty() ? "none" : source);
    record->SetBool(field::kNeedsReview, review);
    record->SetRaw(field::kLabelEvidence, why.str());
    const bool drop = o_.drop_below > 0 && confidence < o_.drop_below;
    if (drop) {
      record->SetString("label_drop_reason",
                        fmt::format("label_confidence {:.4g} is below --drop-below {}", confidence,
                                    o_.drop_below));
    }
    Outcome out;
    out.label = label;
    out.confidence = confidence;
    out.keep = !drop;
    out.review = review;
    out.conflict = conflict;
    out.disagreement = disagreement;
    return out;
  }

  void Warnings() {
    Terminal& t = io_.terminal();
    if (report_.missing_label && !o_.strict) {
      t.Warning(
          fmt::format("{} record(s) without a label passed through unchanged (--strict fails them)",
                      report_.missing_label));
    }
    if (report_.unknown_label && !o_.strict) {
      t.Warning(
          fmt::format("{} record(s) with a label outside --labels passed through unchanged "
                      "(--strict fails them)",
                      report_.unknown_label));
    }
  }

  std::string SummaryText() {
    std::string s = fmt::format("{} labelled, {} need review, {} moved", report_.labelled,
                                report_.needs_review(), report_.moved());
    if (report_.conflicts) s += fmt::format(", {} found under several labels", report_.conflicts);
    if (report_.disagreements)
      s += fmt::format(", {} backend disagreements", report_.disagreements);
    if (o_.drop_below > 0) {
      s += fmt::format(", {} dropped below {}{}", report_.dropped(), o_.drop_below,
                       o_.rejects_path.empty() ? "" : " (to " + o_.rejects_path + ")");
    }
    if (report_.passed_untouched)
      s += fmt::format(", {} invalid or duplicate passed through", report_.passed_untouched);
    for (ImageLabelBackend* b : o_.backends) s += "; " + b->Summary();
    return s;
  }

  const LabelOptions& o_;
  StageIo& io_;
  std::unique_ptr<RecordSpool> spool_;
  size_t emitted_ = 0;  // records written (or dropped) by the writing pass, in input order
  EvidenceVocabulary vocabulary_;
  bool closed_ = false;
  std::unordered_map<uint32_t, std::set<std::string>> queries_;  // at most 200 a label
  TermMatcher matcher_;
  uint64_t labels_unknown_to_wordnet_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::vector<LabelSupport>> groups_;  // filled in pass 2 (see there)
  std::vector<uint8_t> group_members_;             // per group: its records, 2 meaning 2 or more
  std::unordered_map<uint64_t, uint32_t> cluster_groups_, sha_groups_;  // pass 1 only
  EvidenceScratch scratch_;
  std::vector<uint32_t> item_of_;  // record -> item, for image backends
  std::vector<LabelItem> items_;
  std::vector<std::vector<LabelVerdict>> verdicts_;  // [backend][item]
  std::unique_ptr<RecordWriter> rejects_;
  LabelReport report_;
};

}  // namespace

int RunLabel(const LabelOptions& options, StageIo& io) { return LabelRun(options, io).Run(); }

}  // namespace pix
