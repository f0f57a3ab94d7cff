#include "engines/search_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "base/exit_code.h"
#include "base/signals.h"
#include "engines/access_token.h"
#include "engines/capture.h"
#include "engines/registry.h"
#include "http/url.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

constexpr const char* kStage = "search";
// Result pages are small; a bigger answer is not one.
constexpr uint64_t kMaxPageBytes = 16ull << 20;
using Clock = std::chrono::steady_clock;

// One engine+query+rank that found a URL.
struct Find {
  uint32_t query;
  uint16_t engine;  // index in SearchOptions::engines
  uint32_t rank;
  bool operator<(const Find& o) const {
    return std::tie(query, engine, rank) < std::tie(o.query, o.engine, o.rank);
  }
};

struct UrlEntry {
  std::string url;  // normalised
  std::vector<std::pair<Find, ImageHit>> finds;
  bool written = false;
};

struct Task;

struct EngineSlot {
  const EngineDef* def = nullptr;
  EngineConfig config;
  int in_flight = 0;
  Clock::time_point next_start{};
  std::deque<Task*> ready;
  uint64_t requests = 0;
  uint64_t results = 0;
  std::map<std::string, uint64_t> failures;
  // The engine's access token (EngineDef::token_grant), made once slots_
  // stops moving; in_use() false for engines without one.
  std::unique_ptr<AccessToken> token;
  StringSink token_sink;
  uint64_t tokens = 0;  // token requests sent
};

// One query on one engine.
struct Task {
  uint32_t query;
  uint16_t engine;
  std::unique_ptr<EngineSearch> search;
  uint32_t rank = 0;
  size_t found = 0;  // distinct URLs that passed the filters
  std::unordered_set<std::string> seen;
  HttpRequest request;  // waiting in the engine's queue
  HttpRequest sent;     // a copy of the request in flight, for --capture and token renewal
  StringSink sink;
  uint64_t token_generation = 0;  // of the access token the request in flight carries
  bool token_renewed = false;     // this page was refused once and is asked again
};

struct QueryState {
  Record record;
  std::string text;
  std::string label;
  size_t next_engine = 0;
  int tasks = 0;
  std::unordered_set<uint32_t> urls;
  uint64_t filtered = 0;
  std::vector<std::string> asked;
  std::vector<Record> errors;
};

// Known image file extensions: a URL ending in one of these says its type.
bool IsImageType(std::string_view t) {
  static const std::unordered_set<std::string_view> types = {"jpg", "png", "gif",  "webp", "bmp",
                                                             "svg", "tif", "avif", "heic", "ico"};
  return types.count(t) > 0;
}

std::string CanonicalType(std::string t) {
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "jpeg" || t == "jpe" || t == "jfif") return "jpg";
  if (t == "tiff") return "tif";
  return t;
}

enum class FilterReason { kNone, kType, kSize, kLicense };

FilterReason Check(const SearchFilters& f, const ImageHit& hit) {
  if (!f.types.empty()) {
    std::string type = CanonicalType(hit.format.empty() ? UrlPathExtension(hit.url) : hit.format);
    if (IsImageType(type) && std::find(f.types.begin(), f.types.end(), type) == f.types.end()) {
      return FilterReason::kType;
    }
  }
  if ((f.min_width > 0 && hit.width > 0 && hit.width < f.min_width) ||
      (f.min_height > 0 && hit.height > 0 && hit.height < f.min_height)) {
    return FilterReason::kSize;
  }
  if (!f.licenses.empty() &&
      std::find(f.licenses.begin(), f.licenses.end(), hit.license) == f.licenses.end()) {
    return FilterReason::kLicense;
  }
  return FilterReason::kNone;
}

// Fills the fields of `into` that `from` has and `into` lacks.
void Merge(ImageHit* into, const ImageHit& from) {
  for (auto field :
       {&ImageHit::page_url, &ImageHit::title, &ImageHit::thumbnail_url, &ImageHit::format}) {
    if ((into->*field).empty()) into->*field = from.*field;
  }
  if (into->width == 0 || into->height == 0) {
    into->width = from.width;
    into->height = from.height;
  }
  if (into->license.empty() && !from.license.empty()) {
    into->license = from.license;
    into->license_version = from.license_version;
    into->license_url = from.license_url;
  }
  if (into->creator.empty()) into->creator = from.creator;
}

void SetIfPresent(Record* r, std::string_view key, const std::string& value) {
  if (!value.empty()) r->SetString(key, value);
}

class SearchRun {
 public:
  SearchRun(const SearchOptions& options, StageIo& io)
      : options_(options), io_(io), client_(ClientOptions(options.http)), start_(Clock::now()) {}

  int Run() {
    if (Status s = Prepare(); !s.ok()) {
      io_.terminal().Error(s.message());
      return ExitCodeFor(s);
    }
    if (options_.dry_run) return DryRun();
    Status status = Loop();
    if (InterruptRequested() && status.ok()) status = Status::Interrupted();
    if (!status.ok()) {
      // Interrupted, or stopped by a fatal error such as a malformed input
      // line: requests in flight and queued end as "interrupted", saying
      // why, and what was found so far is still written below.
      const std::string why = status.code() == StatusCode::kInterrupted
                                  ? std::string(HttpClient::kInterruptedWhy)
                                  : "the run stopped: " + status.message();
      interrupted_ = true;
      client_.CancelAll(why);
      for (EngineSlot& slot : slots_) {
        while (!slot.ready.empty()) {
          Task* t = slot.ready.front();
          slot.ready.pop_front();
          EndTask(t, "interrupted", why + " before this request");
        }
      }
    }
    if (!options_.stream) {
      Status written = WriteAll();
      if (status.ok()) status = written;
    }
    return io_.Finish(status, Summary());
  }

 private:
  static HttpOptions ClientOptions(HttpOptions http) {
    // Pacing is per engine (EngineSlot); the client must not add its own.
    http.host_delay = std::chrono::milliseconds(0);
    http.max_host_connections = std::max(http.max_host_connections, 64);
    http.max_total_connections = std::max(http.max_total_connections, 64);
    return http;
  }

  Status Prepare() {
    if (options_.engines.empty()) return Status::InvalidArgument("no engine to search with");
    std::vector<std::string> seen;
    for (const std::string& name : options_.engines) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;  // listed twice
      seen.push_back(name);
      const EngineDef* def = FindEngine(name);
      if (!def) {
        return Status::InvalidArgument(
            fmt::format("unknown engine '{}' (engines: {})", name, EngineNames()));
      }
      if (!options_.filters.licenses.empty() && !def->reports_license) {
        io_.terminal().Warning(fmt::format(
            "{} reports no licences, so --license would drop all its results: not using it", name));
        continue;
      }
      auto it = options_.engine_configs.find(name);
      auto config = ResolveEngineConfig(
          *def, it == options_.engine_configs.end() ? EngineConfig{} : it->second);
      if (!config.ok()) return config.status();
      if (def->unavailable) {
        if (std::string why = def->unavailable(*config); !why.empty()) {
          io_.terminal().Warning(why);
          left_out_.push_back(std::move(why));
          continue;
        }
      }
      if (def->advice) {
        if (std::string advice = def->advice(*config); !advice.empty())
          io_.terminal().Warning(advice);
      }
      EngineSlot slot;
      slot.def = def;
      slot.config = std::move(*config);
      slots_.push_back(std::move(slot));
    }
    for (EngineSlot& slot : slots_)
      slot.token = std::make_unique<AccessToken>(*slot.def, slot.config);
    if (!options_.capture_dir.empty()) {
      PIX_ASSIGN_OR_RETURN(capture_, ResponseCapture::Open(options_.capture_dir));
    }
    if (slots_.empty()) {
      if (!left_out_.empty()) return Status::InvalidArgument("no engine left: " + left_out_[0]);
      return Status::InvalidArgument(
          "no engine left: none of --engines reports licences (use "
          "wikimedia, openverse or flickr with --license)");
    }
    return Status::Ok();
  }

  // Takes a record: passes a failed one through, rejects one without a
  // query, or registers it.
  Status Admit(Record record, std::optional<uint32_t>* id) {
    if (HasRecordError(record)) return io_.PassThrough(record);
    auto text = record.GetString(field::kQuery);
    if (!text || text->empty()) text = record.GetString(field::kLabel);
    if (!text || text->empty()) {
      SetRecordError(&record, kStage, "missing_query",
                     "the record has no \"query\" (or \"label\") text");
      return io_.Write(record);
    }
    QueryState q;
    q.label = record.GetString(field::kLabel).value_or("");
    q.text = *text;
    q.record = std::move(record);
    queries_.push_back(std::move(q));
    *id = static_cast<uint32_t>(queries_.size() - 1);
    return Status::Ok();
  }

  int DryRun() {
    Status status;
    while (status.ok()) {
      if (InterruptRequested()) {
        status = Status::Interrupted();
        break;
      }
      auto next = io_.Read();
      if (!next.ok()) status = next.status();
      if (!status.ok() || !next->has_value()) break;
      std::optional<uint32_t> id;
      status = Admit(std::move(**next), &id);
      if (!status.ok() || !id) continue;
      const QueryState& q = queries_[*id];
      for (const EngineSlot& slot : slots_) {
        auto search = slot.def->create(q.text, slot.config, options_.filters);
        auto request = search->NextRequest(options_.max_results);
        if (!request) continue;
        // Sent with the token fetched first (masked below anyway).
        if (slot.token->in_use()) request->headers.emplace_back("Authorization", "Bearer ***");
        JsonBuilder headers;
        headers.BeginObject();
        if (!request->referer.empty()) headers.Key("Referer").String(request->referer);
        for (const auto& [name, value] : request->headers) {
          headers.Key(name).String(name == "Authorization" ? "***" : value);
        }
        headers.EndObject();
        Record r;
        if (!q.label.empty()) r.SetString(field::kLabel, q.label);
        r.SetString(field::kQuery, q.text);
        r.SetString(field::kEngine, slot.def->name);
        r.SetString("method", request->method);
        r.SetString(field::kUrl, MaskSecrets(request->url));
        r.SetRaw("headers", headers.str());
        status = io_.Write(r);
        ++dry_requests_;
        if (!status.ok()) break;
      }
    }
    return io_.Finish(status,
                      fmt::format("dry run: {} first requests shown, none sent", dry_requests_));
  }

  Status Loop() {
    const size_t window = std::max<size_t>(1, options_.max_active_queries);
    io_.StartReadAhead(window, [this] { client_.Wakeup(); });
    bool input_done = false;
    while (first_error_.ok()) {
      if (InterruptRequested()) return Status::Interrupted();
      while (!input_done && active_queries_ < window) {
        Record record;
        auto state = io_.TryRead(&record);
        if (!state.ok()) return state.status();
        if (*state == StageIo::ReadState::kEnd) input_done = true;
        if (*state != StageIo::ReadState::kRecord) break;
        std::optional<uint32_t> id;
        PIX_RETURN_IF_ERROR(Admit(std::move(record), &id));
        if (id) StartQuery(*id);
      }
      const auto wait = Pump();
      if (input_done && active_queries_ == 0) break;
      PIX_RETURN_IF_ERROR(client_.Poll(wait));
      ShowProgress();
    }
    return first_error_;
  }

  void StartQuery(uint32_t id) {
    ++active_queries_;
    QueryState& q = queries_[id];
    if (options_.every_engine) {
      for (size_t e = 0; e < slots_.size(); ++e) StartTask(id, static_cast<uint16_t>(e));
      q.next_engine = slots_.size();
    } else {
      StartTask(id, 0);
      q.next_engine = 1;
    }
  }

  void StartTask(uint32_t query, uint16_t engine) {
    auto task = std::make_unique<Task>();
    task->query = query;
    task->engine = engine;
    task->search =
        slots_[engine].def->create(queries_[query].text, slots_[engine].config, options_.filters);
    queries_[query].asked.push_back(slots_[engine].def->name);
    ++queries_[query].tasks;
    Task* t = task.get();
    tasks_[t] = std::move(task);
    Continue(t);
  }

  size_t Wanted(const Task& t) const {
    const size_t have = options_.every_engine ? t.found : queries_[t.query].urls.size();
    return have >= options_.max_results ? 0 : options_.max_results - have;
  }

  // Queues the task's next request, or ends it.
  void Continue(Task* t) {
    const size_t wanted = Wanted(*t);
    auto request = wanted > 0 ? t->search->NextRequest(wanted) : std::nullopt;
    if (!request) {
      EndTask(t, "", "");
      return;
    }
    t->request = std::move(*request);
    t->request.max_bytes = kMaxPageBytes;
    // Result pages are asked for compressed, as browsers do (bot checks
    // look for Accept-Encoding) and decoded by curl; the byte cap counts
    // decoded bytes. Image downloads (pix-fetch) never decode.
    t->request.decode_content = true;
    slots_[t->engine].ready.push_back(t);
  }

  // Starts the requests each engine may start now; returns how long to wait
  // for the next one at most.
  std::chrono::milliseconds Pump() {
    auto wait = std::chrono::milliseconds(250);
    const auto now = Clock::now();
    for (EngineSlot& slot : slots_) {
      if (!slot.ready.empty() && slot.token->in_use() && !slot.token->ready()) {
        wait = std::min(wait, StartTokenRequest(slot, now));
        continue;
      }
      while (!slot.ready.empty() && slot.in_flight < slot.config.concurrency) {
        if (now < slot.next_start) {
          wait =
              std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(slot.next_start - now));
          break;
        }
        Task* t = slot.ready.front();
        slot.ready.pop_front();
        ++slot.in_flight;
        ++slot.requests;
        slot.next_start = now + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(slot.config.interval_s));
        t->sink.body.clear();
        if (slot.token->in_use()) t->token_generation = slot.token->Authorize(&t->request);
        if (capture_ || slot.token->in_use()) t->sent = t->request;
        client_.Submit(std::move(t->request), &t->sink,
                       [this, t](HttpResponse&& r) { OnResponse(t, std::move(r)); });
      }
    }
    return wait;
  }

  // For an engine whose token is missing: sends the token request when the
  // engine's pacing allows, or ends its waiting searches when no token can
  // be had. Returns how long to wait at most.
  std::chrono::milliseconds StartTokenRequest(EngineSlot& slot, Clock::time_point now) {
    AccessToken& token = *slot.token;
    if (token.failed()) {
      while (!slot.ready.empty()) {
        Task* t = slot.ready.front();
        slot.ready.pop_front();
        EndTask(t, token.error_code(), token.error_message());
      }
      return std::chrono::milliseconds(250);
    }
    if (!token.NeedsRequest() || slot.in_flight >= slot.config.concurrency) {
      return std::chrono::milliseconds(250);  // one is on its way, or a page is
    }
    if (now < slot.next_start) {
      return std::chrono::ceil<std::chrono::milliseconds>(slot.next_start - now);
    }
    ++slot.in_flight;
    ++slot.requests;
    ++slot.tokens;
    slot.next_start = now + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(slot.config.interval_s));
    slot.token_sink.body.clear();
    // Token exchanges are not captured: the request holds the client secret
    // and the answer the token.
    client_.Submit(token.Request(), &slot.token_sink, [this, &slot](HttpResponse&& r) {
      --slot.in_flight;
      slot.token->OnResponse(r, slot.token_sink.body);
      slot.token_sink.body.clear();
      if (slot.token->failed()) {
        io_.terminal().Warning(fmt::format("{}: {}; its searches end with this error",
                                           slot.def->name, slot.token->error_message()));
      }
    });
    return std::chrono::milliseconds(250);
  }

  void OnResponse(Task* t, HttpResponse&& response) {
    EngineSlot& slot = slots_[t->engine];
    --slot.in_flight;
    if (capture_) {
      Status saved =
          capture_->Save(slot.def->name, queries_[t->query].text, t->sent, response, t->sink.body);
      if (!saved.ok() && first_error_.ok()) first_error_ = saved.WithContext("--capture");
    }
    if (!response.ok()) {
      EndTask(t, response.error_code, response.error_message);
      return;
    }
    if (slot.token->in_use() && response.status == 401 && !t->token_renewed) {
      // The token expired (or was revoked): a new one, and the same page again.
      t->token_renewed = true;
      slot.token->Refused(t->token_generation);
      t->request = std::move(t->sent);
      slot.ready.push_front(t);
      return;
    }
    if (response.status != 401) t->token_renewed = false;
    PageResult page = t->search->OnResponse(response, t->sink.body);
    t->sink.body.clear();
    slot.results += page.hits.size();
    QueryState& q = queries_[t->query];
    bool any_new = false;
    for (ImageHit& hit : page.hits) {
      const uint32_t rank = ++t->rank;
      auto url = NormalizeUrl(hit.url);
      if (!url) {
        ++bad_urls_;
        continue;
      }
      if (!t->seen.insert(*url).second) continue;
      any_new = true;
      hit.url = *url;
      const FilterReason reason = Check(options_.filters, hit);
      if (reason != FilterReason::kNone) {
        ++filtered_[static_cast<int>(reason)];
        ++q.filtered;
        continue;
      }
      if (Wanted(*t) == 0) continue;  // enough: the rest of the page is not wanted
      auto [it, inserted] = url_ids_.try_emplace(*url, static_cast<uint32_t>(entries_.size()));
      if (inserted) entries_.push_back(UrlEntry{*url, {}, false});
      UrlEntry& entry = entries_[it->second];
      if (entry.written) {
        ++late_finds_;
      } else {
        entry.finds.emplace_back(Find{t->query, t->engine, rank}, std::move(hit));
      }
      if (q.urls.insert(it->second).second) ++t->found;
    }
    if (page.failed()) {
      EndTask(t, page.error_code, page.error_message);
    } else if (page.last || (!page.hits.empty() && !any_new)) {
      EndTask(t, "", "");
    } else {
      Continue(t);
    }
  }

  // The task is over: records its failure (if `code`), hands the query to
  // the next engine when it still lacks results, and finishes the query
  // when no task of it is left.
  void EndTask(Task* t, const std::string& code, const std::string& message) {
    const uint32_t id = t->query;
    const uint16_t engine = t->engine;
    tasks_.erase(t);
    QueryState& q = queries_[id];
    --q.tasks;
    const char* name = slots_[engine].def->name;
    if (!code.empty()) {
      ++slots_[engine].failures[code];
      Record r = q.record;
      r.SetString(field::kEngine, name);
      SetRecordError(&r, kStage, code, fmt::format("{}: {}", name, message));
      q.errors.push_back(std::move(r));
    }
    if (!interrupted_ && q.next_engine < slots_.size() && q.urls.size() < options_.max_results) {
      if (!code.empty()) ++fallbacks_;
      StartTask(id, static_cast<uint16_t>(q.next_engine++));
      return;
    }
    if (q.tasks == 0) FinishQuery(id);
  }

  void FinishQuery(uint32_t id) {
    --active_queries_;
    QueryState& q = queries_[id];
    if (q.urls.empty() && q.errors.empty()) {
      std::string asked;
      for (const std::string& a : q.asked) asked += (asked.empty() ? "" : ", ") + a;
      Record r = q.record;
      SetRecordError(&r, kStage, "no_results",
                     q.filtered > 0 ? fmt::format("no result for '{}' passed the filters ({} "
                                                  "filtered out; asked: {})",
                                                  q.text, q.filtered, asked)
                                    : fmt::format("no result for '{}' (asked: {})", q.text, asked));
      q.errors.push_back(std::move(r));
    }
    if (options_.stream) {
      std::vector<uint32_t> mine;
      for (uint32_t u : q.urls) {
        if (!entries_[u].written) mine.push_back(u);
      }
      Status s = WriteQuery(id, std::move(mine));
      if (!s.ok() && first_error_.ok()) first_error_ = s;
      q.record = Record();  // not needed any more
    }
  }

  // Writes the URLs `ids` (owned by query `id`) and the query's error records.
  Status WriteQuery(uint32_t id, std::vector<uint32_t> ids) {
    for (uint32_t u : ids) std::sort(entries_[u].finds.begin(), entries_[u].finds.end(), ByFind);
    std::sort(ids.begin(), ids.end(), [this](uint32_t a, uint32_t b) {
      return entries_[a].finds.front().first < entries_[b].finds.front().first;
    });
    for (uint32_t u : ids) {
      PIX_RETURN_IF_ERROR(io_.Write(MakeRecord(entries_[u])));
      entries_[u].written = true;
      ++urls_written_;
    }
    for (const Record& r : queries_[id].errors) PIX_RETURN_IF_ERROR(io_.Write(r));
    return Status::Ok();
  }

  static bool ByFind(const std::pair<Find, ImageHit>& a, const std::pair<Find, ImageHit>& b) {
    return a.first < b.first;
  }

  Status WriteAll() {
    std::vector<std::vector<uint32_t>> owned(queries_.size());
    for (uint32_t u = 0; u < entries_.size(); ++u) {
      if (entries_[u].finds.empty()) continue;
      const auto first =
          std::min_element(entries_[u].finds.begin(), entries_[u].finds.end(), ByFind);
      owned[first->first.query].push_back(u);
    }
    for (uint32_t q = 0; q < queries_.size(); ++q)
      PIX_RETURN_IF_ERROR(WriteQuery(q, std::move(owned[q])));
    return Status::Ok();
  }

  // REQUIRES: entry.finds sorted, not empty.
  Record MakeRecord(const UrlEntry& entry) {
    const auto& [first, first_hit] = entry.finds.front();
    const QueryState& owner = queries_[first.query];
    ImageHit hit = first_hit;
    for (const auto& [find, other] : entry.finds) Merge(&hit, other);
    Record r = owner.record;
    r.SetString(field::kUrl, entry.url);
    r.SetString(field::kEngine, slots_[first.engine].def->name);
    r.SetInt(field::kRank, first.rank);
    SetIfPresent(&r, "page_url", hit.page_url);
    SetIfPresent(&r, "title", hit.title);
    SetIfPresent(&r, "thumbnail_url", hit.thumbnail_url);
    if (hit.width > 0 && hit.height > 0) {
      r.SetInt(field::kWidth, hit.width);
      r.SetInt(field::kHeight, hit.height);
    }
    SetIfPresent(&r, "license", hit.license);
    SetIfPresent(&r, "license_version", hit.license_version);
    SetIfPresent(&r, "license_url", hit.license_url);
    SetIfPresent(&r, "creator", hit.creator);
    JsonBuilder found;
    found.BeginArray();
    for (const auto& [find, other] : entry.finds) {
      const QueryState& q = queries_[find.query];
      found.BeginObject().Key("engine").String(slots_[find.engine].def->name);
      found.Key("query").String(q.text).Key("rank").Int(find.rank);
      if (q.label != owner.label) found.Key("label").String(q.label);
      found.EndObject();
    }
    found.EndArray();
    r.SetRaw(field::kFoundBy, found.str());
    finds_written_ += entry.finds.size();
    return r;
  }

  void ShowProgress() {
    uint64_t requests = 0;
    for (const EngineSlot& s : slots_) requests += s.requests;
    io_.ShowProgress(fmt::format(", {} queries active, {} requests, {} URLs", active_queries_,
                                 requests, entries_.size()));
  }

  std::string Summary() const {
    std::string s = fmt::format("{} queries, {} URLs", queries_.size(), urls_written_);
    if (finds_written_ > urls_written_) {
      s += fmt::format(" ({} finds merged into them)", finds_written_ - urls_written_);
    }
    for (const EngineSlot& slot : slots_) {
      s +=
          fmt::format("; {}: {} requests, {} results", slot.def->name, slot.requests, slot.results);
      if (slot.tokens > 0) s += fmt::format(", access tokens fetched: {}", slot.tokens);
      if (!slot.failures.empty()) {
        std::string f;
        for (const auto& [code, n] : slot.failures)
          f += fmt::format("{}{} {}", f.empty() ? "" : ", ", n, code);
        s += ", failed: " + f;
      }
    }
    if (fallbacks_)
      s += fmt::format("; {} times the next engine took over after a failure", fallbacks_);
    const char* names[] = {"", "type", "size", "licence"};
    std::string filtered;
    for (int i = 1; i < 4; ++i) {
      if (filtered_[i])
        filtered += fmt::format("{}{} by {}", filtered.empty() ? "" : ", ", filtered_[i], names[i]);
    }
    if (!filtered.empty()) s += "; filtered out: " + filtered;
    if (bad_urls_) s += fmt::format("; {} unusable URLs skipped", bad_urls_);
    if (late_finds_) s += fmt::format("; {} finds of URLs already written (--stream)", late_finds_);
    if (capture_)
      s += fmt::format("; {} responses saved in {}", capture_->saved(), capture_->dir());
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return s + fmt::format("; {:.1f} s", seconds);
  }

  const SearchOptions& options_;
  StageIo& io_;
  HttpClient client_;
  Clock::time_point start_;
  std::vector<EngineSlot> slots_;
  std::vector<std::string> left_out_;  // why engines were left out (EngineDef::unavailable)
  std::unique_ptr<ResponseCapture> capture_;
  std::vector<QueryState> queries_;
  std::unordered_map<Task*, std::unique_ptr<Task>> tasks_;
  std::unordered_map<std::string, uint32_t> url_ids_;
  std::vector<UrlEntry> entries_;
  size_t active_queries_ = 0;
  Status first_error_;
  bool interrupted_ = false;
  uint64_t urls_written_ = 0, finds_written_ = 0, fallbacks_ = 0, bad_urls_ = 0, late_finds_ = 0;
  uint64_t dry_requests_ = 0;
  uint64_t filtered_[4] = {};
};

}  // namespace

std::string MaskSecrets(std::string_view url) {
  static const char* kSecret[] = {"key", "api_key", "apikey", "token", "access_token"};
  const size_t qmark = url.find('?');
  if (qmark == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, qmark + 1));
  std::string_view q = url.substr(qmark + 1);
  bool first = true;
  while (!q.empty()) {
    const size_t amp = std::min(q.find('&'), q.size());
    std::string_view part = q.substr(0, amp);
    q.remove_prefix(std::min(amp + 1, q.size()));
    const std::string_view name = part.substr(0, part.find('='));
    const bool secret = std::any_of(std::begin(kSecret), std::end(kSecret),
                                    [&](const char* s) { return name == s; });
    out +=
        (first ? "" : "&") + std::string(secret ? std::string(name) + "=***" : std::string(part));
    first = false;
  }
  return out;
}

int RunSearch(const SearchOptions& options, StageIo& io) { return SearchRun(options, io).Run(); }

}  // namespace pix
