#include "dedup/dedup.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <bit>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "base/signals.h"
#include "base/spill_file.h"
#include "base/terminal.h"
#include "dedup/crop_join.h"
#include "dedup/dup_index.h"
#include "hash/crop_hashes.h"
#include "hash/hamming_index.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "jsonl/record_spool.h"

namespace pix {
namespace {

constexpr std::string_view kStage = "dedup";

// What a record is to this run.
enum class RecordClass : uint8_t {
  kArrivedFailed,  // an earlier stage's error: passed through
  kUnchanged,      // not valid, or no usable hash: passed through
  kFailedHere,     // bad_hash or missing_hash set on it
  kItem,           // takes part in deduplication
};

struct Tally {
  uint64_t kept = 0;
  uint64_t by_kind[4] = {};  // indexed by DupKind
  uint64_t of_index = 0;     // duplicates of images in the index
  uint64_t clusters = 0;
  uint64_t no_hash = 0;   // passed through: none of the hashes the mode needs
  uint64_t no_phash = 0;  // exact matching only
  uint64_t not_valid = 0;
  uint64_t added_to_index = 0;
  uint64_t duplicates() const { return by_kind[1] + by_kind[2] + by_kind[3]; }
};

// The elements of a record's found_by array, each as minified JSON; a value
// that is not an array counts as one element.
std::vector<std::string> FoundBy(const Record& record) {
  std::vector<std::string> out;
  auto raw = record.Raw(field::kFoundBy);
  if (!raw || *raw == "null") return out;
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(raw->data(), raw->size()).get(root)) return out;
  simdjson::dom::array array;
  if (root.get_array().get(array)) {
    out.push_back(simdjson::minify(root));
    return out;
  }
  for (simdjson::dom::element e : array) out.push_back(simdjson::minify(e));
  return out;
}

// found_by of a kept record and of its duplicates, merged in that order
// without repeats. A duplicate's entry that has no "label" gets the
// duplicate's label when it differs from the kept record's (as pix-search
// marks finds under another label), so pix-label still sees the image was
// found under both.
struct FoundByUnion {
  std::string id;                         // the kept record's id
  std::string label;                      // the kept record's label
  std::vector<std::string> own;           // the kept record's own entries
  std::vector<std::string> others;        // its duplicates', in input order
  std::vector<std::string> other_labels;  // the label of each duplicate entry's record

  // The merged array, or empty when the duplicates add nothing.
  std::string Merged() const {
    std::unordered_set<std::string> seen(own.begin(), own.end());
    std::string out = "[";
    bool added = false;
    for (const std::string& e : own) {
      if (out.size() > 1) out += ',';
      out += e;
    }
    for (size_t i = 0; i < others.size(); ++i) {
      std::string e = others[i];
      const std::string& l = other_labels[i];
      if (!l.empty() && l != label && e.size() >= 2 && e.front() == '{' &&
          e.find("\"label\":") == std::string::npos) {
        e.insert(e.size() - 1, std::string(e.size() > 2 ? "," : "") + "\"label\":" + JsonQuote(l));
      }
      if (!seen.insert(e).second) continue;
      added = true;
      if (out.size() > 1) out += ',';
      out += e;
    }
    return added ? out + "]" : std::string();
  }
};

// width / height of a record, 0 when either is missing or not positive.
float AspectOf(const Record& record) {
  const int64_t w = record.GetInt(field::kWidth).value_or(0);
  const int64_t h = record.GetInt(field::kHeight).value_or(0);
  return w > 0 && h > 0 ? static_cast<float>(static_cast<double>(w) / static_cast<double>(h)) : 0;
}

class DedupRun {
 public:
  DedupRun(const DedupOptions& options, StageIo& io) : o_(options), io_(io) {}

  Status Run() {
    if (!o_.index_path.empty()) {
      PIX_ASSIGN_OR_RETURN(index_, DupIndex::Open(o_.index_path, o_.index_update,
                                                  o_.hash_fields.phash, o_.index_wait));
      PIX_ASSIGN_OR_RETURN(next_cluster_, index_->NextCluster());
    }
    if (!o_.rejects_path.empty()) {
      PIX_ASSIGN_OR_RETURN(rejects_, RecordWriter::Open(o_.rejects_path, LineBuffering::kAuto));
    }
    PIX_RETURN_IF_ERROR(o_.exact_only ? RunExact() : RunNear());
    if (rejects_) PIX_RETURN_IF_ERROR(rejects_->Close());
    if (index_) PIX_RETURN_IF_ERROR(index_->Commit());
    return Status::Ok();
  }

  std::string Summary() const {
    std::string s =
        fmt::format("{} kept, {}", t_.kept, Counted(t_.duplicates(), "duplicate", "duplicates"));
    if (t_.duplicates()) {
      s += fmt::format(" ({} same bytes, {} same pixels, {} near", t_.by_kind[1], t_.by_kind[2],
                       t_.by_kind[3]);
      if (index_) s += fmt::format("; {} of indexed images", t_.of_index);
      s += ")";
    }
    s += " in " + Counted(t_.clusters, index_ ? "new cluster" : "cluster",
                          index_ ? "new clusters" : "clusters");
    if (t_.duplicates() && !o_.mark && o_.rejects_path.empty()) {
      s += "; duplicates dropped (--mark or --rejects FILE keeps them)";
    }
    if (near_pairs_) {
      s += fmt::format("; {} pHash pairs, {} refused by dHash", near_pairs_, dhash_rejected_);
    }
    if (dhash_pairs_) s += fmt::format("; {} more pairs through dHash", dhash_pairs_);
    if (crop_pairs_) s += fmt::format("; {} more pairs through crop hashes", crop_pairs_);
    if (t_.not_valid) s += fmt::format("; {} not valid, passed through", t_.not_valid);
    if (index_ && o_.index_update) s += fmt::format("; {} added to the index", t_.added_to_index);
    return s;
  }

  // Warnings that --quiet does not hide.
  void Warn() {
    if (t_.no_hash) {
      io_.terminal().Warning(
          fmt::format("{} record(s) without {} passed through unchanged (--strict rejects them)",
                      t_.no_hash, o_.exact_only ? "sha256 or pixel_hash" : "any hash"));
    }
    if (t_.no_phash) {
      io_.terminal().Warning(fmt::format(
          "{} record(s) without phash were matched by sha256/pixel_hash only (--strict rejects "
          "them)",
          t_.no_phash));
    }
    for (const auto& [field, bad] : bad_window_fields_) {
      if (bad == 0) continue;
      io_.terminal().Warning(fmt::format(
          "{} record(s) with a malformed {} field were matched without those windows", bad,
          field));
    }
    if (digest_conflicts_) {
      io_.terminal().Warning(fmt::format(
          "{} pair(s) with equal sha256 or pixel_hash but different phash were not merged",
          digest_conflicts_));
    }
  }

 private:
  RecordClass Classify(Record* record, DedupKeys* keys) {
    if (HasRecordError(*record)) return RecordClass::kArrivedFailed;
    if (record->Has(field::kValid) && !record->IsNull(field::kValid) &&
        !record->GetBool(field::kValid)) {
      SetRecordError(record, kStage, "bad_field",
                     fmt::format("{}: valid must be true or false, got {}", io_.Position(),
                                 record->Raw(field::kValid)->substr(0, 80)));
      return RecordClass::kFailedHere;
    }
    if (record->GetBool(field::kValid) == false) {
      ++t_.not_valid;
      return RecordClass::kUnchanged;
    }
    auto read = ReadDedupKeys(*record, RecordId(*record, o_.id_fields), o_.hash_fields);
    if (!read.ok()) {
      const bool type_error = read.status().code() == StatusCode::kInvalidArgument;
      SetRecordError(record, kStage, type_error ? "bad_field" : "bad_hash",
                     fmt::format("{}: {}", io_.Position(), read.status().message()));
      return RecordClass::kFailedHere;
    }
    *keys = *read;
    const bool usable = o_.exact_only ? keys->has_exact_key() : keys->has_phash;
    if (usable) return RecordClass::kItem;
    if (o_.strict) {
      SetRecordError(record, kStage, "missing_hash",
                     fmt::format("{}: no {}", io_.Position(),
                                 o_.exact_only ? "sha256 or pixel_hash" : o_.hash_fields.phash));
      return RecordClass::kFailedHere;
    }
    if (keys->has_exact_key()) {
      ++t_.no_phash;
      return RecordClass::kItem;
    }
    ++t_.no_hash;
    return RecordClass::kUnchanged;
  }

  Status WriteOther(RecordClass cls, const Record& record) {
    return cls == RecordClass::kArrivedFailed ? io_.PassThrough(record) : io_.Write(record);
  }

  // After a stop (a malformed input line, SIGINT, a full temporary disk) the
  // records read but not judged are still written, so nothing read is lost
  // (pix(7)): the images with an "interrupted" error naming the reason, for
  // a re-run; every other record as a finished run would have written it.
  Status WriteUnjudged(RecordClass cls, Record* record, const Status& why) {
    if (cls == RecordClass::kItem) {
      SetRecordError(record, kStage, "interrupted",
                     "pix-dedup stopped before judging this record: " + why.message());
    }
    return WriteOther(cls, *record);
  }
  // The same for the next `classes.size()` records of `spool`.
  Status WriteUnjudged(RecordSpool& spool, std::span<const RecordClass> classes,
                       const Status& why) {
    return ForEachSpooledRecord(spool, 0, classes.size(), [&](size_t i, Record& record) {
      return WriteUnjudged(classes[i], &record, why);
    });
  }

  Status WriteKept(Record* record, int64_t cluster, const std::string& id) {
    record->SetInt(field::kCluster, cluster);
    ++t_.kept;
    if (index_ && o_.index_update) {
      PIX_RETURN_IF_ERROR(index_->Add(IndexRowFor(*record, id, cluster, o_.hash_fields)));
      ++t_.added_to_index;
    }
    return io_.Write(*record);
  }

  Status WriteDuplicate(Record* record, const std::string& leader_id, int distance, DupKind kind,
                        int64_t cluster, bool of_index) {
    if (leader_id.empty()) {
      record->SetNull(field::kDupOf);
    } else {
      record->SetString(field::kDupOf, leader_id);
    }
    record->SetInt(field::kDupDistance, distance);
    record->SetString(field::kDupKind, DupKindName(kind));
    record->SetInt(field::kCluster, cluster);
    ++t_.by_kind[static_cast<int>(kind)];
    t_.of_index += of_index;
    if (rejects_) PIX_RETURN_IF_ERROR(rejects_->Write(*record));
    if (o_.mark) return io_.Write(*record);
    return Status::Ok();
  }

  Result<std::string> IndexedId(int64_t rowid) {
    auto it = index_ids_.find(rowid);
    if (it != index_ids_.end()) return it->second;
    PIX_ASSIGN_OR_RETURN(std::string id, index_->RecordIdOf(rowid));
    return index_ids_.emplace(rowid, std::move(id)).first->second;
  }

  // ---- Exact only: streaming. ----

  struct ExactLeader {
    int64_t rowid = -1;  // in the index, or -1 for a record of this run
    std::string id;      // for records of this run
    int64_t cluster = 0;
    bool has_phash = false;
    uint64_t phash = 0;
  };

  // The leader a digest names, unless the pHashes say the digests met by
  // accident.
  const ExactLeader* Find(const std::unordered_map<uint64_t, uint32_t>& map, uint64_t digest,
                          const DedupKeys& keys) {
    auto it = map.find(digest);
    if (it == map.end()) return nullptr;
    const ExactLeader& l = leaders_[it->second];
    if (l.has_phash && keys.has_phash && l.phash != keys.phash) {
      ++digest_conflicts_;
      return nullptr;
    }
    return &l;
  }

  void Remember(const DedupKeys& keys, uint32_t slot) {
    if (keys.has_sha256) by_sha_.emplace(keys.sha256, slot);
    if (keys.has_pixel_hash) by_pixel_.emplace(keys.pixel_hash, slot);
  }

  // A copy in the index of a record this run has not seen the like of; it
  // becomes a leader slot, so later copies do not ask SQLite again.
  Result<const ExactLeader*> FindInIndex(const DedupKeys& keys, DupKind* kind) {
    bool by_sha256 = false;
    PIX_ASSIGN_OR_RETURN(auto found, index_->FindExact(keys, &by_sha256));
    if (!found) return nullptr;
    const DedupKeys& stored = found->keys;
    if (stored.has_phash && keys.has_phash && stored.phash != keys.phash) {
      ++digest_conflicts_;
      return nullptr;
    }
    leaders_.push_back({found->rowid, {}, found->cluster, stored.has_phash, stored.phash});
    Remember(stored, static_cast<uint32_t>(leaders_.size() - 1));
    *kind = by_sha256 ? DupKind::kSha256 : DupKind::kPixels;
    return &leaders_.back();
  }

  Status RunExact() {
    for (;;) {
      if (InterruptRequested()) return Status::Interrupted();
      PIX_ASSIGN_OR_RETURN(auto next, io_.Read());
      if (!next) return Status::Ok();
      Record& record = *next;
      DedupKeys keys;
      const RecordClass cls = Classify(&record, &keys);
      io_.ShowProgress();
      if (cls != RecordClass::kItem) {
        PIX_RETURN_IF_ERROR(WriteOther(cls, record));
        continue;
      }
      const ExactLeader* leader = nullptr;
      DupKind kind = DupKind::kSha256;
      if (keys.has_sha256) leader = Find(by_sha_, keys.sha256, keys);
      if (!leader && keys.has_pixel_hash) {
        leader = Find(by_pixel_, keys.pixel_hash, keys);
        kind = DupKind::kPixels;
      }
      if (!leader && index_) {
        PIX_ASSIGN_OR_RETURN(leader, FindInIndex(keys, &kind));
      }
      if (leader) {
        const uint32_t slot = static_cast<uint32_t>(leader - leaders_.data());
        Remember(keys, slot);  // its other digest now leads here too
        std::string id = leader->id;
        if (leader->rowid >= 0) {
          PIX_ASSIGN_OR_RETURN(id, IndexedId(leader->rowid));
        }
        const int distance =
            (leader->has_phash && keys.has_phash) ? std::popcount(leader->phash ^ keys.phash) : 0;
        PIX_RETURN_IF_ERROR(
            WriteDuplicate(&record, id, distance, kind, leader->cluster, leader->rowid >= 0));
        continue;
      }
      std::string id = RecordId(record, o_.id_fields);
      leaders_.push_back({-1, id, next_cluster_++, keys.has_phash, keys.phash});
      ++t_.clusters;
      Remember(keys, static_cast<uint32_t>(leaders_.size() - 1));
      PIX_RETURN_IF_ERROR(WriteKept(&record, leaders_.back().cluster, id));
    }
  }

  // ---- Near: read all, cluster, write in input order. ----

  // Puts in front of `items` the indexed images that could matter to them:
  // the same sha256 or pixel_hash, a pHash within the threshold, or a dHash
  // within dhash_near (the dHash pass of clustering.h). The index
  // is streamed, not loaded, so a run costs memory for its own records only,
  // however many nights the index has seen.
  Status JoinIndexed(std::vector<DedupKeys>* items, std::vector<int64_t>* rowids,
                     std::vector<int64_t>* clusters, std::vector<float>* aspects) {
    std::unordered_set<uint64_t> exact;
    std::vector<uint64_t> phashes, dhashes;
    for (const DedupKeys& k : *items) {
      if (k.has_sha256) exact.insert(k.sha256);
      if (k.has_pixel_hash) exact.insert(k.pixel_hash);
      if (k.has_phash) phashes.push_back(k.phash);
      if (k.has_phash && k.has_dhash && o_.dhash_near >= 0) dhashes.push_back(k.dhash);
    }
    std::unique_ptr<HammingIndex> near, near_dhash;
    if (!phashes.empty()) near = std::make_unique<HammingIndex>(phashes);
    if (!dhashes.empty()) near_dhash = std::make_unique<HammingIndex>(dhashes);
    phashes = {};
    dhashes = {};
    std::vector<DedupKeys> matched;
    std::vector<float> matched_aspects;
    std::vector<HammingMatch> found;
    PIX_RETURN_IF_ERROR(index_->ForEach([&](const StoredImage& image) {
      const DedupKeys& k = image.keys;
      bool hit = (k.has_sha256 && exact.count(k.sha256)) ||
                 (k.has_pixel_hash && exact.count(k.pixel_hash));
      if (!hit && near && k.has_phash) {
        found.clear();
        near->Query(k.phash, o_.threshold, &found);
        hit = !found.empty();
      }
      if (!hit && near_dhash && k.has_phash && k.has_dhash) {
        found.clear();
        near_dhash->Query(k.dhash, o_.dhash_near, &found);
        hit = !found.empty();
      }
      if (!hit) return;
      matched.push_back(k);
      rowids->push_back(image.rowid);
      clusters->push_back(image.cluster);
      matched_aspects.push_back(image.aspect);
    }));
    matched.insert(matched.end(), items->begin(), items->end());
    *items = std::move(matched);
    if (!aspects->empty()) {
      matched_aspects.insert(matched_aspects.end(), aspects->begin(), aspects->end());
      *aspects = std::move(matched_aspects);
    }
    return Status::Ok();
  }

  // Calls fn(item, windows) for every item whose record has crop_hashes, read
  // back from the spool, so the windows never all sit in memory as text.
  template <typename Fn>
  Status ForEachCropHashes(RecordSpool& spool, const std::vector<RecordClass>& classes,
                           uint32_t first_new, const Fn& fn) {
    return ForEachHashesField(spool, classes, first_new, "crop_hashes", ParseCropHashes, fn);
  }

  // The same for view_hashes.
  template <typename Fn>
  Status ForEachViewHashes(RecordSpool& spool, const std::vector<RecordClass>& classes,
                           uint32_t first_new, const Fn& fn) {
    return ForEachHashesField(spool, classes, first_new, "view_hashes", ParseViewHashes, fn);
  }

  template <typename Parse, typename Fn>
  Status ForEachHashesField(RecordSpool& spool, const std::vector<RecordClass>& classes,
                            uint32_t first_new, std::string_view field, const Parse& parse,
                            const Fn& fn) {
    const std::string quoted = fmt::format("\"{}\"", field);
    PIX_RETURN_IF_ERROR(spool.Rewind());
    RecordParser parser;
    std::string line;
    uint32_t g = first_new;
    uint64_t bad = 0;
    for (RecordClass cls : classes) {
      if (InterruptRequested()) return Status::Interrupted();
      PIX_ASSIGN_OR_RETURN(bool more, spool.Next(&line));
      if (!more) return Status::Internal("spool ended early");
      if (cls != RecordClass::kItem) continue;
      const uint32_t item = g++;
      if (line.find(quoted) == std::string::npos) continue;
      PIX_ASSIGN_OR_RETURN(Record record, Record::Parse(line, parser));
      const auto text = record.GetString(field);
      if (!text) continue;
      const auto windows = parse(*text);
      if (!windows) {
        ++bad;
        continue;
      }
      fn(item, *windows);
    }
    // Every pass over a field meets the same malformed records.
    uint64_t& counted = bad_window_fields_[std::string(field)];
    counted = std::max(counted, bad);
    return Status::Ok();
  }

  // The searches that use crop_hashes (crop_join.h): the four 90% strips of
  // every image against the same strips of the others (the window search),
  // and every window against the full frames of the images of its aspect
  // ratio (the crop search). Only this run's records have windows; their
  // frames meet the indexed images' too.
  //
  // One pass over the spool per pair of strips, each strip freed once
  // joined: holding all four at once would lift a million-record run's peak
  // past 200 MB. The crop search's windows (14 a record) would too: the
  // first pass writes them to a temporary file, and they are joined with the
  // frames crop_batch at a time once the strips are done. A pair found
  // through windows of two batches is the same pair; ClusterItems counts it
  // once.
  Status FindWindowPairs(RecordSpool& spool, const std::vector<RecordClass>& classes,
                         const std::vector<DedupKeys>& items, const std::vector<float>& aspects,
                         uint32_t first_new, std::vector<HammingPair>* out) {
    const bool strips = o_.window_threshold >= 0, crops = o_.crop_threshold >= 0;
    std::optional<SpillFile<CropWindowHash>> windows;
    if (crops) {
      PIX_ASSIGN_OR_RETURN(windows, SpillFile<CropWindowHash>::Create(o_.temp_dir));
    }
    Status spilled;
    for (size_t pass = 0; pass < kSameWindowPasses.size(); ++pass) {
      const bool spill = crops && pass == 0;
      if (!strips && !spill) break;
      std::vector<uint32_t> strip_items;
      std::array<std::vector<ImageHashes>, 2> held;
      const auto& joined = kSameWindowPasses[pass];
      PIX_RETURN_IF_ERROR(
          ForEachCropHashes(spool, classes, first_new, [&](uint32_t item, const CropHashes& w) {
            if (!items[item].has_phash) return;
            if (strips) {
              strip_items.push_back(item);
              for (size_t j = 0; j < joined.size(); ++j) held[j].push_back(w[joined[j]]);
            }
            if (!spill || !(aspects[item] > 0) || !spilled.ok()) return;
            for (int k = 0; k < kCropWindows; ++k) {
              const CropWindow& f = kCropWindowFrames[k];
              spilled = windows->Append({w[k], static_cast<float>(aspects[item] * f.w / f.h), item});
              if (!spilled.ok()) return;
            }
          }));
      PIX_RETURN_IF_ERROR(spilled);
      JoinEachWithItself(strip_items, &held, out);
    }
    if (!windows || windows->size() == 0) return Status::Ok();
    const FrameBins frames = Frames(items, aspects);
    PIX_RETURN_IF_ERROR(windows->Rewind());
    const CropJoinOptions copts = JoinOptions(o_.crop_threshold);
    std::vector<CropWindowHash> batch;
    for (;;) {
      if (InterruptRequested()) return Status::Interrupted();
      PIX_RETURN_IF_ERROR(windows->Read(o_.crop_batch, &batch));
      if (batch.empty()) return Status::Ok();
      auto pairs = frames.Join(batch, copts);
      out->insert(out->end(), pairs.begin(), pairs.end());
    }
  }

  // The window search's views (hash/crop_hashes.h view hashes): the four
  // 80% corner windows of every image against the same corner windows of
  // the others, two per pass over the spool, as the strips; then each of the
  // two turned views against the full frames of the images of the same
  // aspect ratio, one per pass (a turned view keeps the picture's frame).
  Status FindViewPairs(RecordSpool& spool, const std::vector<RecordClass>& classes,
                       const std::vector<DedupKeys>& items, const std::vector<float>& aspects,
                       uint32_t first_new, std::vector<HammingPair>* out) {
    for (const auto& joined : kCornerViewPasses) {
      std::vector<uint32_t> view_items;
      std::array<std::vector<ImageHashes>, 2> held;
      PIX_RETURN_IF_ERROR(
          ForEachViewHashes(spool, classes, first_new, [&](uint32_t item, const ViewHashes& v) {
            if (!items[item].has_phash) return;
            view_items.push_back(item);
            for (size_t j = 0; j < joined.size(); ++j) held[j].push_back(v[joined[j]]);
          }));
      JoinEachWithItself(view_items, &held, out);
    }
    std::optional<FrameBins> frames;
    for (int turn = kCornerViews; turn < kViewHashes; ++turn) {
      std::vector<CropWindowHash> views;
      PIX_RETURN_IF_ERROR(
          ForEachViewHashes(spool, classes, first_new, [&](uint32_t item, const ViewHashes& v) {
            if (items[item].has_phash && aspects[item] > 0) {
              views.push_back({v[turn], aspects[item], item});
            }
          }));
      if (views.empty()) return Status::Ok();
      if (!frames) frames.emplace(Frames(items, aspects));
      auto pairs = frames->Join(views, JoinOptions(o_.window_threshold));
      out->insert(out->end(), pairs.begin(), pairs.end());
    }
    return Status::Ok();
  }

  // Self-joins each of `held` (one window of every image in `with`, in that
  // order) at the window search's radius, freeing each once joined.
  void JoinEachWithItself(const std::vector<uint32_t>& with,
                          std::array<std::vector<ImageHashes>, 2>* held,
                          std::vector<HammingPair>* out) const {
    for (std::vector<ImageHashes>& window : *held) {
      if (with.size() > 1) {
        auto pairs = JoinSameWindow(with, window, o_.window_threshold, o_.crop_dhash_threshold,
                                    o_.threads);
        out->insert(out->end(), pairs.begin(), pairs.end());
      }
      window = {};
    }
  }

  CropJoinOptions JoinOptions(int radius) const {
    CropJoinOptions copts;
    copts.radius = radius;
    copts.dhash_radius = o_.crop_dhash_threshold;
    copts.threads = o_.threads;
    return copts;
  }

  // Every item's full frame for the joins of windows with frames (none for
  // an item without both hashes).
  FrameBins Frames(const std::vector<DedupKeys>& items, const std::vector<float>& aspects) const {
    return FrameBins(
        items.size(),
        [&](uint32_t i) -> std::optional<CropFrame> {
          if (!items[i].has_phash || !items[i].has_dhash) return std::nullopt;
          return CropFrame{{items[i].phash, items[i].dhash}, aspects[i]};
        },
        JoinOptions(0).aspect_tolerance);
  }

  Status RunNear() {
    std::vector<DedupKeys> items;

    // Pass 1: keys in memory, records to the spool. Parsing stays on this
    // thread: records parsed on StageIo's read-ahead thread and freed here
    // made the pass twice as slow at a million records (2.3 s -> 4.4 s;
    // glibc frees across threads), even handed over 256 at a time.
    PIX_ASSIGN_OR_RETURN(auto spool, RecordSpool::Create(o_.temp_dir));
    std::vector<RecordClass> classes;
    std::string line;
    uint64_t with_crops = 0;     // items whose record has crop_hashes
    uint64_t with_views = 0;     // items whose record has view_hashes
    std::vector<float> aspects;  // per item, for the joins of windows with frames
    Status stopped;           // why reading ended early, if it did
    for (;;) {
      if (InterruptRequested()) {
        stopped = Status::Interrupted();
        break;
      }
      auto next = io_.Read();
      if (!next.ok()) {
        stopped = next.status();
        break;
      }
      if (!next->has_value()) break;
      Record& record = **next;
      DedupKeys keys;
      const RecordClass cls = Classify(&record, &keys);
      if (cls == RecordClass::kItem) {
        items.push_back(keys);
        with_crops += record.Has("crop_hashes");
        with_views += record.Has("view_hashes");
        if (o_.crop_threshold >= 0 || o_.window_threshold >= 0) aspects.push_back(AspectOf(record));
      }
      line.clear();
      record.AppendJson(&line);
      if (Status spooled = spool->Append(line); !spooled.ok()) {
        // This record never reached the spool: write it now, then the rest.
        PIX_RETURN_IF_ERROR(WriteUnjudged(cls, &record, spooled));
        stopped = spooled;
        break;
      }
      classes.push_back(cls);
      io_.ShowProgress(" (reading)");
    }
    if (!stopped.ok()) {
      PIX_RETURN_IF_ERROR(spool->Rewind());
      PIX_RETURN_IF_ERROR(WriteUnjudged(*spool, classes, stopped));
      return stopped;
    }
    std::vector<int64_t> index_rowid, cluster_of;
    if (index_) PIX_RETURN_IF_ERROR(JoinIndexed(&items, &index_rowid, &cluster_of, &aspects));
    const uint32_t first_new = static_cast<uint32_t>(index_rowid.size());
    if (items.size() >= UINT32_MAX) return Status::LimitExceeded("more than 4 billion images");

    std::vector<HammingPair> crop_pairs;
    Status matched;
    if ((o_.window_threshold >= 0 || o_.crop_threshold >= 0) && with_crops > 0) {
      io_.terminal().Progress("matching windows", true);
      matched = FindWindowPairs(*spool, classes, items, aspects, first_new, &crop_pairs);
    }
    if (matched.ok() && o_.window_threshold >= 0 && with_views > 0) {
      io_.terminal().Progress("matching corners and turns", true);
      matched = FindViewPairs(*spool, classes, items, aspects, first_new, &crop_pairs);
    }
    if (!matched.ok()) {
      // Interrupted, or the windows' temporary file could not be written:
      // every record read is still written, unjudged, as when reading stops.
      PIX_RETURN_IF_ERROR(spool->Rewind());
      PIX_RETURN_IF_ERROR(WriteUnjudged(*spool, classes, matched));
      return matched;
    }
    aspects = {};

    ClusterOptions copts;
    copts.keep = o_.keep;
    copts.threshold = o_.threshold;
    copts.dhash_threshold = o_.dhash_threshold;
    copts.dhash_near = o_.dhash_near;
    copts.phash_loose = o_.phash_loose;
    copts.threads = o_.threads;
    io_.terminal().Progress("finding duplicates", true);
    ClusterResult result = ClusterItems(items, first_new, copts, crop_pairs);
    crop_pairs = {};
    crop_pairs_ = result.crop_pairs;
    near_pairs_ = result.near_pairs;
    dhash_rejected_ = result.dhash_rejected;
    dhash_pairs_ = result.dhash_pairs;
    digest_conflicts_ = result.digest_conflicts;
    const uint32_t n = static_cast<uint32_t>(items.size());
    items = {};  // the keys are not needed any more

    // Cluster numbers in order of first appearance; which kept records of
    // this run have duplicates.
    cluster_of.resize(n, 0);
    std::unordered_map<uint32_t, FoundByUnion> unions;
    for (uint32_t g = first_new; g < n; ++g) {
      const uint32_t leader = result.leader[g];
      if (cluster_of[leader] == 0) {
        cluster_of[leader] = next_cluster_++;
        ++t_.clusters;
      }
      if (leader != g && leader >= first_new) unions[leader];
    }

    // Pass 2 (only when some kept record has duplicates): their ids and the
    // found_by entries to merge.
    RecordParser parser;
    if (!unions.empty()) {
      PIX_RETURN_IF_ERROR(spool->Rewind());
      uint32_t g = first_new;
      for (RecordClass cls : classes) {
        PIX_ASSIGN_OR_RETURN(bool more, spool->Next(&line));
        if (!more) return Status::Internal("spool ended early");
        if (cls != RecordClass::kItem) continue;
        const uint32_t item = g++;
        const uint32_t leader = result.leader[item];
        auto it = unions.find(leader);
        if (it == unions.end()) continue;
        PIX_ASSIGN_OR_RETURN(Record record, Record::Parse(line, parser));
        FoundByUnion& u = it->second;
        if (leader == item) {
          u.id = RecordId(record, o_.id_fields);
          u.own = FoundBy(record);
          u.label = record.GetString(field::kLabel).value_or("");
        } else {
          const std::string label = record.GetString(field::kLabel).value_or("");
          for (auto& e : FoundBy(record)) {
            u.others.push_back(std::move(e));
            u.other_labels.push_back(label);
          }
        }
      }
    }

    // Pass 3: write everything in input order.
    PIX_RETURN_IF_ERROR(spool->Rewind());
    uint32_t g = first_new;
    for (size_t i = 0; i < classes.size(); ++i) {
      const RecordClass cls = classes[i];
      if (InterruptRequested()) {
        const Status interrupted = Status::Interrupted();
        PIX_RETURN_IF_ERROR(WriteUnjudged(*spool, std::span(classes).subspan(i), interrupted));
        return interrupted;
      }
      PIX_ASSIGN_OR_RETURN(bool more, spool->Next(&line));
      if (!more) return Status::Internal("spool ended early");
      PIX_ASSIGN_OR_RETURN(Record record, Record::Parse(line, parser));
      if (cls != RecordClass::kItem) {
        PIX_RETURN_IF_ERROR(WriteOther(cls, record));
        continue;
      }
      const uint32_t item = g++;
      const uint32_t leader = result.leader[item];
      auto it = unions.find(leader);
      if (leader == item) {
        std::string id;
        if (it != unions.end()) {
          if (std::string merged = it->second.Merged(); !merged.empty()) {
            record.SetRaw(field::kFoundBy, merged);
          }
          id = it->second.id;
        } else if (index_ && o_.index_update) {
          id = RecordId(record, o_.id_fields);
        }
        PIX_RETURN_IF_ERROR(WriteKept(&record, cluster_of[item], id));
        continue;
      }
      std::string id;
      if (leader < first_new) {
        PIX_ASSIGN_OR_RETURN(id, IndexedId(index_rowid[leader]));
      } else {
        id = it->second.id;
      }
      PIX_RETURN_IF_ERROR(WriteDuplicate(&record, id, result.distance[item], result.kind[item],
                                         cluster_of[leader], leader < first_new));
    }
    return Status::Ok();
  }

  const DedupOptions& o_;
  StageIo& io_;
  std::unique_ptr<DupIndex> index_;
  std::unique_ptr<RecordWriter> rejects_;
  int64_t next_cluster_ = 1;
  Tally t_;
  uint64_t near_pairs_ = 0;
  uint64_t dhash_rejected_ = 0;
  uint64_t dhash_pairs_ = 0;
  uint64_t crop_pairs_ = 0;
  std::map<std::string, uint64_t> bad_window_fields_;  // field -> records
  uint64_t digest_conflicts_ = 0;
  std::unordered_map<int64_t, std::string> index_ids_;
  // Exact mode.
  std::vector<ExactLeader> leaders_;
  std::unordered_map<uint64_t, uint32_t> by_sha_;
  std::unordered_map<uint64_t, uint32_t> by_pixel_;
};

}  // namespace

int RunDedup(const DedupOptions& options, StageIo& io) {
  DedupRun run(options, io);
  const Status status = run.Run();
  run.Warn();
  return io.Finish(status, run.Summary());
}

}  // namespace pix
