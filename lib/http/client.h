// HttpClient: every HTTP request PixCrawler makes goes through this class.
//
// One libcurl multi handle drives all transfers from one thread: total and
// per-host concurrency limits, an optional per-host delay between request
// starts (politeness), connection reuse and HTTP/2 multiplexing. Every
// transfer gets the project's safety rules (ARCHITECTURE.md): http and
// https only, also on redirects; at most `max_redirects` redirects; connect,
// total and low-speed timeouts; a byte cap enforced while receiving (curl
// 7.88's MAXFILESIZE does not stop a transfer in progress); no decompression
// of image bodies (no Accept-Encoding is sent and bodies are delivered as
// received, unless a request asks for decode_content); proxy
// variables ignored unless `use_proxy_env`; and the address guard at connect
// time (address_guard.h).
//
// Failed attempts are retried with exponential backoff and full jitter for
// connection failures and for HTTP 408, 429, 500, 502, 503 and 504, honouring
// Retry-After (seconds or an HTTP date, clamped to `max_retry_after`).
//
// Body bytes go to a BodySink the caller owns, as they arrive. A transfer's
// outcome is an HttpResponse handed to the `done` callback from Poll(). A
// transfer fails with a stable error code (see ErrorCodes below), never with
// silence. Not thread-safe: one thread owns a client and calls Poll().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "http/address_guard.h"

namespace pix {

struct RetryPolicy {
  // Retries after the first attempt; 0 disables retrying.
  int max_retries = 3;
  // Backoff before retry n (1-based) is a random delay in
  // [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter").
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{30000};
  // A server's Retry-After is obeyed up to this long.
  std::chrono::milliseconds max_retry_after{120000};
};

struct HttpOptions {
  // Sent with every request. Some sources (Wikimedia) block clients without
  // a descriptive agent.
  std::string user_agent = DefaultUserAgent();
  // Time allowed to connect (DNS, TCP, TLS).
  std::chrono::milliseconds connect_timeout{10000};
  // Time allowed from the start of an attempt to the response headers; a
  // server that accepts a connection and never answers fails "no_response".
  std::chrono::milliseconds response_timeout{30000};
  // Time allowed for a whole attempt, headers and body.
  std::chrono::milliseconds timeout{120000};
  // An attempt slower than `low_speed_bytes` per second for
  // `low_speed_time` is aborted ("too_slow"): trickling servers cannot pin a
  // slot for the whole `timeout`.
  long low_speed_bytes = 1024;
  std::chrono::seconds low_speed_time{20};
  // Redirects followed per request (http and https targets only).
  int max_redirects = 10;
  // Body bytes accepted per response; more aborts the transfer ("too_large").
  uint64_t max_bytes = 64ull << 20;
  // Address guard opt-ins: every private range, or the listed networks.
  bool allow_private = false;
  std::vector<Cidr> allow_nets;
  // Honour http_proxy/https_proxy/no_proxy from the environment. Off by
  // default: a crawler that silently follows an inherited proxy surprises.
  bool use_proxy_env = false;
  // Explicit proxy URL; empty for none.
  std::string proxy;
  // Simultaneous transfers in total and per host (scheme+host+port).
  int max_total_connections = 64;
  int max_host_connections = 8;
  // Minimum time between two request starts to the same host.
  std::chrono::milliseconds host_delay{0};
  RetryPolicy retry;
  // Negotiate HTTP/2 over TLS (h2c is never attempted).
  bool http2 = true;

  static std::string DefaultUserAgent();
};

struct HttpRequest {
  std::string url;
  std::string method = "GET";  // GET, HEAD or POST
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;     // POST body
  std::string referer;  // sent as Referer when not empty
  // When > 0, asks for the bytes from this offset on (Range: bytes=N-).
  uint64_t range_start = 0;
  // Overrides HttpOptions::max_bytes when > 0.
  uint64_t max_bytes = 0;
  // Follow redirects (http and https targets, HttpOptions::max_redirects).
  // Off for requests that carry credentials in custom headers (model APIs):
  // curl drops only Authorization and Cookie on a cross-host redirect. A
  // redirect not followed is the final response (3xx with its Location).
  bool follow_redirects = true;
  // Retry 408, 429 and 5xx answers here (see RetryPolicy). Off hands every
  // status to the caller, who decides (the model client reads the error
  // body first); failed connections are retried either way.
  bool retry_status = true;
  // Send Accept-Encoding (whatever this curl decodes: gzip, deflate, ...)
  // and deliver the body decoded, as browsers do. For result pages only:
  // image bodies are stored exactly as received. The byte cap counts
  // decoded bytes, so a compression bomb stops at max_bytes.
  bool decode_content = false;
};

struct HttpResponse {
  // Stable error codes: empty when the transfer completed, whatever its HTTP
  // status; otherwise one of the codes listed in man/pix-fetch.1 (timeout,
  // too_slow, no_response, dns_failed, connect_failed, connect_timeout,
  // blocked_address, too_many_redirects, unsupported_protocol, bad_url,
  // truncated, too_large, bad_response, headers_too_large, empty_reply,
  // tls_error, send_failed, recv_failed, interrupted, transfer_failed) or a
  // code chosen by the sink when it rejected the response.
  std::string error_code;
  std::string error_message;

  long status = 0;         // HTTP status of the final response; 0 if none
  std::string final_url;   // after redirects
  // Headers of the final response; names lower-cased, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  uint64_t body_bytes = 0;  // delivered to the sink in the final attempt
  int attempts = 0;

  bool ok() const { return error_code.empty(); }
  // First header with this (lower-case) name.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Receives a response body. Methods are called from HttpClient::Poll().
class BodySink {
 public:
  virtual ~BodySink() = default;
  // The final response's status and headers are known (called once per
  // attempt, before any body byte). Return false to abort the transfer; the
  // response's error_code is then reject_code().
  virtual bool OnHeaders(const HttpResponse& response) {
    (void)response;
    return true;
  }
  // Body bytes as they arrive. Return false to abort (reject_code()).
  virtual bool OnData(const char* data, size_t size) = 0;
  // A retry begins: forget what the previous attempt delivered.
  virtual void OnRetry() {}
  virtual std::string reject_code() const { return "rejected"; }
  virtual std::string reject_message() const { return "the response was rejected"; }
};

// Collects a body in memory.
class StringSink : public BodySink {
 public:
  bool OnData(const char* data, size_t size) override {
    body.append(data, size);
    return true;
  }
  void OnRetry() override { body.clear(); }
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const HttpOptions& options() const;

  using DoneFn = std::function<void(HttpResponse&& response)>;
  // Queues a request. `sink` must outlive the transfer; `done` is called
  // exactly once, from Poll(), when the transfer has finished or failed for
  // good (after retries).
  void Submit(HttpRequest request, BodySink* sink, DoneFn done);

  // Runs transfers for at most `max_wait` and calls the `done` callbacks of
  // those that ended. Returns early when a transfer ends, on Wakeup() and on
  // a signal; with nothing to do it just waits. Fails only on internal
  // libcurl errors.
  Status Poll(std::chrono::milliseconds max_wait);

  // Makes a Poll() in progress return now. The only method that may be
  // called from another thread (e.g. when new input arrives).
  void Wakeup();

  // Transfers queued, running or waiting to retry.
  size_t pending() const;
  // Transfers currently running.
  size_t active() const;

  // Aborts everything: each pending transfer ends with "interrupted" and
  // `why` as its message.
  static constexpr std::string_view kInterruptedWhy = "the run was interrupted";
  void CancelAll(std::string_view why = kInterruptedWhy);

  // One blocking request whose body is collected into `*body`.
  HttpResponse Fetch(HttpRequest request, std::string* body);

 private:
  friend struct HttpTransfer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses a Retry-After value (delay-seconds or HTTP-date) into a delay from
// `now`; nullopt when it is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace pix
