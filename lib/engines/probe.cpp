#include "engines/probe.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <tuple>

#include "base/signals.h"
#include "engines/access_token.h"
#include "engines/capture.h"
#include "engines/registry.h"

namespace pix {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxRequests = 3;  // DuckDuckGo needs two: the token page, then results

struct Probe {
  const EngineDef* def = nullptr;
  EngineConfig config;
  std::unique_ptr<EngineSearch> search;
  std::unique_ptr<AccessToken> token;  // for engines that fetch one first
  StringSink token_sink;
  HttpRequest sent;
  StringSink sink;
  ProbeResult result;
  int requests = 0;
  bool done = false;
  Clock::time_point start;
};

}  // namespace

std::string ProbeVerdict(const std::string& code) {
  static const char* kBlocked[] = {"captcha",   "consent",     "js_wall",
                                   "blocked",   "no_token",    "rate_limited",
                                   "tls_error", "empty_shell", "server_busy"};
  static const char* kBadKey[] = {"unauthorized", "bad_key", "missing_key", "quota_exceeded"};
  if (code.empty()) return "ok";
  if (std::find(std::begin(kBlocked), std::end(kBlocked), code) != std::end(kBlocked)) {
    return "blocked";
  }
  if (std::find(std::begin(kBadKey), std::end(kBadKey), code) != std::end(kBadKey)) {
    return "bad_key";
  }
  if (code == "no_results") return "no_results";
  if (code == "not_configured") return "not_configured";
  return "failed";
}

std::vector<ProbeResult> RunProbe(const SearchOptions& options, bool all_engines,
                                  const std::string& query) {
  std::vector<std::string> names;
  if (all_engines) {
    for (const EngineDef* e : AllEngines()) names.push_back(e->name);
  } else {
    names = options.engines;
  }
  SearchFilters filters = options.filters;
  HttpOptions http = options.http;
  http.host_delay = std::chrono::milliseconds(0);
  HttpClient client(http);
  std::unique_ptr<ResponseCapture> capture;
  std::string capture_error;
  if (!options.capture_dir.empty()) {
    auto opened = ResponseCapture::Open(options.capture_dir);
    if (opened.ok()) {
      capture = std::move(*opened);
    } else {
      capture_error = opened.status().message();
    }
  }

  std::vector<std::unique_ptr<Probe>> probes;
  for (const std::string& name : names) {
    auto p = std::make_unique<Probe>();
    p->result.engine = name;
    p->start = Clock::now();
    p->def = FindEngine(name);
    if (!p->def) {
      p->result.verdict = "failed";
      p->result.code = "unknown_engine";
      p->result.detail = "unknown engine (engines: " + EngineNames() + ")";
      p->done = true;
      probes.push_back(std::move(p));
      continue;
    }
    auto it = options.engine_configs.find(name);
    auto config = ResolveEngineConfig(
        *p->def, it == options.engine_configs.end() ? EngineConfig{} : it->second);
    std::string why;
    if (!config.ok()) {
      why = config.status().message();
    } else if (p->def->unavailable) {
      why = p->def->unavailable(*config);
    }
    if (!why.empty()) {
      p->result.verdict = "not_configured";
      p->result.code = "not_configured";
      p->result.detail = why;
      p->done = true;
    } else {
      p->config = std::move(*config);
    }
    probes.push_back(std::move(p));
  }
  // Searches hold references to their config and filters: create them once
  // the vector no longer moves.
  std::function<void(Probe*)> next = [&](Probe* p) {
    auto request = p->requests < kMaxRequests ? p->search->NextRequest(10) : std::nullopt;
    if (!request) {
      p->done = true;
      if (p->result.verdict.empty()) {
        p->result.verdict = "no_results";
        p->result.code = "no_results";
        p->result.detail = "a result page without results";
      }
      return;
    }
    ++p->requests;
    if (p->token->in_use()) p->token->Authorize(&*request);
    request->max_bytes = 16ull << 20;
    request->decode_content = true;
    p->sent = *request;
    p->sink.body.clear();
    client.Submit(std::move(*request), &p->sink, [&, p](HttpResponse&& response) {
      p->result.http_status = response.status;
      if (capture)
        std::ignore = capture->Save(p->def->name, query, p->sent, response, p->sink.body);
      p->result.seconds = std::chrono::duration<double>(Clock::now() - p->start).count();
      if (!response.ok()) {
        p->result.code = response.error_code;
        p->result.verdict = ProbeVerdict(response.error_code);
        p->result.detail = response.error_message;
        p->done = true;
        return;
      }
      PageResult page = p->search->OnResponse(response, p->sink.body);
      if (page.failed()) {
        p->result.code = page.error_code;
        p->result.verdict = ProbeVerdict(page.error_code);
        p->result.detail = page.error_message;
        p->done = true;
      } else if (!page.hits.empty()) {
        p->result.verdict = "ok";
        p->result.results = page.hits.size();
        p->result.detail = fmt::format("{} results on the first page", page.hits.size());
        p->done = true;
      } else if (page.last) {
        p->result.verdict = "no_results";
        p->result.code = "no_results";
        p->result.detail = "a result page without results";
        p->done = true;
      } else {
        next(p);
      }
    });
  };
  for (auto& p : probes) {
    if (p->done) continue;
    p->search = p->def->create(query, p->config, filters);
    p->token = std::make_unique<AccessToken>(*p->def, p->config);
    if (!p->token->in_use()) {
      next(p.get());
      continue;
    }
    // The token first (not captured: it holds the client secret), then the page.
    client.Submit(p->token->Request(), &p->token_sink, [&, p = p.get()](HttpResponse&& response) {
      p->token->OnResponse(response, p->token_sink.body);
      if (!p->token->failed()) {
        next(p);
        return;
      }
      p->result.http_status = response.status;
      p->result.seconds = std::chrono::duration<double>(Clock::now() - p->start).count();
      p->result.code = p->token->error_code();
      p->result.verdict = ProbeVerdict(p->token->error_code());
      p->result.detail = p->token->error_message();
      p->done = true;
    });
  }
  while (client.pending() > 0) {
    if (InterruptRequested()) {
      client.CancelAll();
      break;
    }
    if (!client.Poll(std::chrono::milliseconds(500)).ok()) break;
  }
  std::vector<ProbeResult> out;
  for (auto& p : probes) {
    if (p->result.verdict.empty()) {
      p->result.verdict = "failed";
      p->result.code = "interrupted";
      p->result.detail = std::string(HttpClient::kInterruptedWhy);
    }
    out.push_back(std::move(p->result));
  }
  if (!capture_error.empty()) {
    ProbeResult r;
    r.engine = "(capture)";
    r.verdict = "failed";
    r.code = "capture_failed";
    r.detail = capture_error;
    out.push_back(std::move(r));
  }
  return out;
}

std::string ProbeTable(const std::vector<ProbeResult>& results) {
  size_t width = 6;
  for (const ProbeResult& r : results) width = std::max(width, r.engine.size());
  std::string out =
      fmt::format("{:<{}}  {:<14}  {:>6}  {}\n", "engine", width, "verdict", "time", "reason");
  for (const ProbeResult& r : results) {
    const std::string time = r.seconds > 0 ? fmt::format("{:.1f}s", r.seconds) : std::string("-");
    std::string reason = r.verdict == "ok" || r.code.empty() ? r.detail : r.code + ": " + r.detail;
    if (r.http_status > 0 && r.verdict != "ok") reason += fmt::format(" [HTTP {}]", r.http_status);
    out += fmt::format("{:<{}}  {:<14}  {:>6}  {}\n", r.engine, width, r.verdict, time, reason);
  }
  return out;
}

}  // namespace pix
