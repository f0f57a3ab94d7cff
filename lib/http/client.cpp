#include "http/client.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <random>
#include <unordered_map>

#include <fmt/format.h>

#include "base/signals.h"
#include "base/version.h"

namespace pix {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::once_flag g_curl_init;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Body bytes of an unwanted response read (and dropped) to keep its connection.
constexpr uint64_t kMaxDiscardBytes = 64 << 10;

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

// "scheme://host:port" for per-host accounting; empty when the URL does not parse.
std::string HostKey(const std::string& url) {
  CURLU* u = curl_url();
  std::string key;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char *scheme = nullptr, *host = nullptr, *port = nullptr;
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    if (scheme && host) key = fmt::format("{}://{}:{}", scheme, Lower(host), port ? port : "");
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return key;
}

}  // namespace

std::string HttpOptions::DefaultUserAgent() {
  return fmt::format("PixCrawler/{} (image dataset builder) libcurl/{}", kVersion,
                     curl_version_info(CURLVERSION_NOW)->version);
}

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            std::chrono::system_clock::time_point now) {
  // Whole seconds, at most 999,999,999 (the caller clamps much lower): a
  // date in the year 3920 must not overflow the clock's nanoseconds.
  constexpr int64_t kMaxSeconds = 999999999;
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return milliseconds(kMaxSeconds * 1000);
    return milliseconds(std::stoll(std::string(value)) * 1000);
  }
  const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const time_t now_s = std::chrono::system_clock::to_time_t(now);
  if (when <= now_s) return milliseconds(0);
  return milliseconds(std::min<int64_t>(static_cast<int64_t>(when) - now_s, kMaxSeconds) * 1000);
}

// One request across its attempts.
struct HttpTransfer {
  HttpClient::Impl* client = nullptr;
  HttpRequest request;
  BodySink* sink = nullptr;
  HttpClient::DoneFn done;
  HttpResponse response;
  std::string host;
  uint64_t max_bytes = 0;
  int attempt = 0;  // attempts started
  Clock::time_point not_before{};

  // Per-attempt state.
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};
  long block_status = 0;  // status line of the header block being read
  std::vector<std::pair<std::string, std::string>> block_headers;
  bool headers_final = false;
  bool retry_status = false;  // a retryable status arrived and attempts remain
  bool rejected = false;      // the sink refused
  uint64_t discarded = 0;     // body bytes of a retried or rejected response
  std::string bad_header;     // a malformed header that ends the attempt
  bool no_response = false;   // no response header within response_timeout
  Clock::time_point started{};
  bool too_large = false;
  bool blocked = false;
  std::string blocked_address;

  void ResetAttempt() {
    errbuf[0] = '\0';
    block_status = 0;
    block_headers.clear();
    headers_final = false;
    retry_status = false;
    rejected = false;
    discarded = 0;
    bad_header.clear();
    no_response = false;
    started = Clock::now();
    too_large = false;
    blocked = false;
    blocked_address.clear();
    response.headers.clear();
    response.status = 0;
    response.body_bytes = 0;
    response.error_code.clear();
    response.error_message.clear();
  }
};

struct HttpClient::Impl {
  explicit Impl(HttpOptions o)
      : options(std::move(o)), policy(options.allow_private, options.allow_nets), rng(std::random_device{}()) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(options.max_host_connections));
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(options.max_total_connections));
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.max_total_connections));
  }

  ~Impl() {
    for (auto& [easy, t] : running) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->header_list);
    }
    for (CURL* e : idle) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
  }

  void StartReady(Clock::time_point now);
  void Start(std::unique_ptr<HttpTransfer> t, Clock::time_point now);
  void Configure(HttpTransfer* t);
  void Complete(CURL* easy, CURLcode rc);
  void Finish(std::unique_ptr<HttpTransfer> t);
  void ScheduleRetry(std::unique_ptr<HttpTransfer> t, std::optional<milliseconds> retry_after);
  Clock::time_point NextReady() const;

  static size_t OnHeader(char* data, size_t size, size_t n, void* user);
  static size_t OnWrite(char* data, size_t size, size_t n, void* user);
  static curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address);
  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  void FinalHeaders(HttpTransfer* t);

  HttpOptions options;
  AddressPolicy policy;
  CURLM* multi = nullptr;
  std::deque<std::unique_ptr<HttpTransfer>> queued;  // new, and waiting to retry
  std::unordered_map<CURL*, std::unique_ptr<HttpTransfer>> running;
  struct HostState {
    int active = 0;
    Clock::time_point next_start{};
  };
  std::unordered_map<std::string, HostState> hosts;
  std::vector<CURL*> idle;  // easy handles to reuse
  std::vector<std::unique_ptr<HttpTransfer>> finished;
  std::mt19937_64 rng;
  std::atomic<bool> woken{false};
};

size_t HttpClient::Impl::OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<HttpTransfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {  // a new response (after a redirect or 100-continue)
    t->block_headers.clear();
    const size_t sp = line.find(' ');
    t->block_status =
        sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return len;
  }
  if (!line.empty()) {
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      t->block_headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                    std::string(Trim(line.substr(colon + 1))));
    }
    return len;
  }
  // End of a header block. Interim responses (1xx) and redirects that curl
  // follows are not the final response.
  const long status = t->block_status;
  if (status >= 100 && status < 200) return len;
  if (status >= 300 && status < 400 && t->request.follow_redirects) {
    for (const auto& [k, v] : t->block_headers) {
      if (k == "location") return len;
    }
  }
  t->client->FinalHeaders(t);
  return t->bad_header.empty() ? len : 0;
}

void HttpClient::Impl::FinalHeaders(HttpTransfer* t) {
  t->headers_final = true;
  t->response.status = t->block_status;
  t->response.headers = std::move(t->block_headers);
  t->block_headers.clear();
  char* url = nullptr;
  curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url);
  if (url) t->response.final_url = url;
  // curl 7.88 reads "Content-Length: 12abc" as 12; a lying length must not
  // turn into a silently truncated file.
  for (const auto& [name, value] : t->response.headers) {
    if (name == "content-length" &&
        (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)) {
      t->bad_header = "invalid Content-Length: '" + value + "'";
      return;
    }
  }
  if (t->request.retry_status && IsRetryableStatus(t->response.status) &&
      t->attempt <= options.retry.max_retries) {
    t->retry_status = true;  // Complete() schedules the retry
    return;
  }
  if (!t->sink->OnHeaders(t->response)) t->rejected = true;
}

size_t HttpClient::Impl::OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<HttpTransfer*>(user);
  const size_t len = size * n;
  if (!t->headers_final) t->client->FinalHeaders(t);  // a response without a header block end
  if (!t->bad_header.empty()) return 0;
  if (t->retry_status || t->rejected) {
    // Read a short error body to its end so the connection stays usable
    // (aborting in the middle of a buffered response can poison a reused
    // connection); give up on long ones.
    t->discarded += len;
    return t->discarded <= kMaxDiscardBytes ? len : 0;
  }
  if (t->response.body_bytes + len > t->max_bytes) {
    t->too_large = true;
    return 0;
  }
  if (!t->sink->OnData(data, len)) {
    t->rejected = true;
    return 0;
  }
  t->response.body_bytes += len;
  return len;
}

// Called about once a second and on every chunk: ends attempts that got no
// response header in time (a server that accepts and then never answers).
int HttpClient::Impl::OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<HttpTransfer*>(user);
  if (t->headers_final || Clock::now() - t->started < t->client->options.response_timeout) return 0;
  t->no_response = true;
  return 1;
}

curl_socket_t HttpClient::Impl::OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<HttpTransfer*>(user);
  IpAddress ip;
  // With a proxy, the connection goes to the proxy the user chose; the target
  // is resolved by the proxy and cannot be checked here (see man page).
  const bool via_proxy = !t->client->options.proxy.empty() || t->client->options.use_proxy_env;
  if (!via_proxy && IpFromSockaddr(&address->addr, &ip) && !t->client->policy.Allows(ip)) {
    char text[64] = {};
    if (address->family == AF_INET) {
      inet_ntop(AF_INET, ip.bytes.data(), text, sizeof text);
    } else {
      inet_ntop(AF_INET6, ip.bytes.data(), text, sizeof text);
    }
    t->blocked = true;
    t->blocked_address = fmt::format("{} ({})", text, AddressClassName(ClassifyAddress(ip)));
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

void HttpClient::Impl::Configure(HttpTransfer* t) {
  CURL* e = t->easy;
  const HttpRequest& r = t->request;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::OnWrite);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Impl::OnProgress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
  // Protocols: http and https only, on the first request and on redirects.
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
  // Credentials from the URL's userinfo go to its own host only, never to
  // the host a redirect points at (curl's default, stated here on purpose).
  curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  // Refuse early when the server announces too much; OnWrite enforces it anyway.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->max_bytes));
  // Bodies are stored as received: no Accept-Encoding, no content decoding,
  // unless the request asks for it (result pages; "" offers every encoding
  // this curl can decode).
  if (r.decode_content) {
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  }
  // Larger reads mean fewer recv() and write() calls per image (most are
  // tens to hundreds of KB); 64 KiB per running transfer bounds memory.
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 64L << 10);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                   options.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
  // An empty proxy string turns off the *_proxy environment variables.
  curl_easy_setopt(e, CURLOPT_PROXY, options.use_proxy_env && options.proxy.empty()
                                         ? nullptr
                                         : options.proxy.c_str());
  if (!r.referer.empty()) curl_easy_setopt(e, CURLOPT_REFERER, r.referer.c_str());
  for (const auto& [name, value] : r.headers) {
    t->header_list = curl_slist_append(t->header_list, (name + ": " + value).c_str());
  }
  if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  if (r.range_start > 0) {
    curl_easy_setopt(e, CURLOPT_RANGE, fmt::format("{}-", r.range_start).c_str());
  }
  if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }
}

void HttpClient::Impl::Start(std::unique_ptr<HttpTransfer> t, Clock::time_point now) {
  ++t->attempt;
  ++t->response.attempts;
  t->ResetAttempt();
  if (idle.empty()) {
    t->easy = curl_easy_init();
  } else {
    t->easy = idle.back();
    idle.pop_back();
    curl_easy_reset(t->easy);
  }
  Configure(t.get());
  HostState& h = hosts[t->host];
  ++h.active;
  h.next_start = now + options.host_delay;
  curl_multi_add_handle(multi, t->easy);
  CURL* key = t->easy;
  running.emplace(key, std::move(t));
}

void HttpClient::Impl::StartReady(Clock::time_point now) {
  for (auto it = queued.begin(); it != queued.end() && running.size() < size_t(options.max_total_connections);) {
    HttpTransfer* t = it->get();
    HostState& h = hosts[t->host];
    if (t->not_before > now || h.active >= options.max_host_connections || h.next_start > now) {
      ++it;
      continue;
    }
    std::unique_ptr<HttpTransfer> owned = std::move(*it);
    it = queued.erase(it);
    Start(std::move(owned), now);
  }
}

// When a queued transfer may start for a reason only time can change (a
// retry's backoff, a host's delay). Transfers waiting for a free slot are
// left out: a slot frees when a running transfer ends, and that wakes
// curl_multi_poll() by itself. Counting them made the poll timeout zero
// whenever the queue was longer than the slots, a busy loop that burned a
// core while paced servers sent their bodies (issue 9).
Clock::time_point HttpClient::Impl::NextReady() const {
  Clock::time_point next = Clock::time_point::max();
  if (running.size() >= size_t(options.max_total_connections)) return next;
  for (const auto& t : queued) {
    auto h = hosts.find(t->host);
    Clock::time_point ready = t->not_before;
    if (h != hosts.end()) {
      if (h->second.active >= options.max_host_connections) continue;
      ready = std::max(ready, h->second.next_start);
    }
    next = std::min(next, ready);
  }
  return next;
}

void HttpClient::Impl::ScheduleRetry(std::unique_ptr<HttpTransfer> t, std::optional<milliseconds> retry_after) {
  const RetryPolicy& rp = options.retry;
  milliseconds delay;
  if (retry_after) {
    delay = std::min(*retry_after, rp.max_retry_after);
  } else {
    const int n = std::min(t->attempt, 20);
    const auto cap = std::min<int64_t>(rp.max_delay.count(), rp.base_delay.count() << (n - 1));
    std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(cap, 0));
    delay = milliseconds(jitter(rng));
  }
  t->sink->OnRetry();
  t->not_before = Clock::now() + delay;
  queued.push_front(std::move(t));
}

namespace {

// Maps a failed attempt to a stable error code and whether it may be retried.
std::pair<std::string, bool> ClassifyCurlError(CURLcode rc, std::string_view message) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      if (message.find("too slow") != std::string_view::npos) return {"too_slow", false};
      if (message.find("onnect") != std::string_view::npos) return {"connect_timeout", true};
      return {"timeout", false};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {"dns_failed", false};
    case CURLE_COULDNT_CONNECT:
      return {"connect_failed", true};
    case CURLE_TOO_MANY_REDIRECTS:
      return {"too_many_redirects", false};
    case CURLE_UNSUPPORTED_PROTOCOL:
      // curl 7.88 reports a reply that is not HTTP at all ("Received
      // HTTP/0.9 when not allowed") with this code too; it is a bad reply,
      // not a scheme we refuse.
      if (message.find("HTTP/0.9") != std::string_view::npos) return {"bad_response", false};
      return {"unsupported_protocol", false};
    case CURLE_URL_MALFORMAT:
      return {"bad_url", false};
    case CURLE_PARTIAL_FILE:
      return {"truncated", true};
    case CURLE_FILESIZE_EXCEEDED:
      return {"too_large", false};
    case CURLE_GOT_NOTHING:
      return {"empty_reply", true};
    case CURLE_SEND_ERROR:
      return {"send_failed", true};
    case CURLE_RECV_ERROR:
      // curl reports malformed chunked framing as a receive error too.
      if (message.find("chunked") != std::string_view::npos) return {"bad_response", false};
      return {"recv_failed", true};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return {"tls_error", false};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_RANGE_ERROR:
      return {"bad_response", false};
    case CURLE_OUT_OF_MEMORY:  // how curl 7.88 reports a header over its 100 KB limit
      return {"headers_too_large", false};
    default:
      return {"transfer_failed", false};
  }
}

}  // namespace

void HttpClient::Impl::Complete(CURL* easy, CURLcode rc) {
  auto node = running.extract(easy);
  std::unique_ptr<HttpTransfer> t = std::move(node.mapped());
  if (rc == CURLE_OK && !t->headers_final) {  // e.g. HEAD, or a reply without a body
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->block_status);
    FinalHeaders(t.get());
    if (t->rejected && !t->retry_status) rc = CURLE_WRITE_ERROR;
  }
  // Silent: the request went out (so the connection was made) and no
  // status line came back before the response or low-speed timer ran out.
  // When the total timeout ran out first, the server had all the time the
  // caller allowed: that is a timeout (a model that answers only when done,
  // whose client sets the response timer past the total on purpose).
  long request_bytes = 0;
  curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  const bool total_ran_out =
      Clock::now() - t->started + std::chrono::milliseconds(500) >= t->client->options.timeout;
  const bool silent = rc == CURLE_OPERATION_TIMEDOUT && request_bytes > 0 &&
                      t->block_status == 0 && !t->headers_final && !total_ran_out;
  curl_multi_remove_handle(multi, easy);
  curl_slist_free_all(t->header_list);
  t->header_list = nullptr;
  idle.push_back(easy);
  t->easy = nullptr;
  --hosts[t->host].active;

  HttpResponse& r = t->response;
  if (t->retry_status) {
    std::optional<milliseconds> retry_after;
    if (auto h = r.Header("retry-after")) {
      retry_after = ParseRetryAfter(*h, std::chrono::system_clock::now());
    }
    ScheduleRetry(std::move(t), retry_after);
    return;
  }
  if (t->rejected) {
    r.error_code = t->sink->reject_code();
    r.error_message = t->sink->reject_message();
  } else if (rc == CURLE_OK) {
    // Completed; the caller judges the HTTP status.
  } else if (!t->bad_header.empty()) {
    r.error_code = "bad_response";
    r.error_message = t->bad_header;
  } else if (t->too_large) {
    r.error_code = "too_large";
    r.error_message = fmt::format("body larger than {} bytes", t->max_bytes);
  } else if (t->no_response || silent) {
    // A server that accepted the connection and said nothing is silent, not
    // slow, whichever timer (response, low-speed or total) ran out first.
    r.error_code = "no_response";
    r.error_message = fmt::format("no response in {:.0f} s",
                                  std::chrono::duration<double>(Clock::now() - t->started).count());
  } else if (t->blocked) {
    r.error_code = "blocked_address";
    r.error_message = "refused to connect to " + t->blocked_address +
                      " (use --allow-private or --allow-net to permit)";
  } else {
    const std::string message = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
    auto [code, retryable] = ClassifyCurlError(rc, message);
    r.error_code = code;
    r.error_message = message;
    if (code == "too_large") r.error_message = fmt::format("body larger than {} bytes", t->max_bytes);
    if (code == "headers_too_large") r.error_message = "response headers larger than curl's 100 KB limit";
    if (retryable && t->attempt <= options.retry.max_retries) {
      ScheduleRetry(std::move(t), std::nullopt);
      return;
    }
  }
  Finish(std::move(t));
}

void HttpClient::Impl::Finish(std::unique_ptr<HttpTransfer> t) { finished.push_back(std::move(t)); }

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

const HttpOptions& HttpClient::options() const { return impl_->options; }

void HttpClient::Submit(HttpRequest request, BodySink* sink, DoneFn done) {
  auto t = std::make_unique<HttpTransfer>();
  t->client = impl_.get();
  t->host = HostKey(request.url);
  t->max_bytes = request.max_bytes > 0 ? request.max_bytes : impl_->options.max_bytes;
  t->request = std::move(request);
  t->sink = sink;
  t->done = std::move(done);
  impl_->queued.push_back(std::move(t));
}

size_t HttpClient::pending() const {
  return impl_->queued.size() + impl_->running.size() + impl_->finished.size();
}

size_t HttpClient::active() const { return impl_->running.size(); }

Status HttpClient::Poll(milliseconds max_wait) {
  Impl& im = *impl_;
  const auto deadline = Clock::now() + max_wait;
  bool woken = im.woken.exchange(false);
  for (;;) {
    im.StartReady(Clock::now());
    int still_running = 0;
    CURLMcode mc = curl_multi_perform(im.multi, &still_running);
    if (mc != CURLM_OK) return Status::Internal(std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(im.multi, &left)) {
      if (msg->msg == CURLMSG_DONE) im.Complete(msg->easy_handle, msg->data.result);
    }
    const auto now = Clock::now();
    if (!im.finished.empty() || now >= deadline || InterruptRequested() || woken) break;
    // Sleep until a socket is ready, a retry or host delay is due, or the deadline.
    auto wait = std::chrono::duration_cast<milliseconds>(std::min(deadline, im.NextReady()) - now);
    // curl wakes for its own timers (curl_multi_timeout); a signal wakes
    // through InterruptFd(), so a paced download costs no idle wake-ups.
    wait = std::clamp(wait, milliseconds(0), milliseconds(1000));
    curl_waitfd signal_fd{InterruptFd(), CURL_WAIT_POLLIN, 0};
    const unsigned extra = signal_fd.fd >= 0 ? 1 : 0;
    mc = curl_multi_poll(im.multi, extra ? &signal_fd : nullptr, extra,
                         static_cast<int>(wait.count()), nullptr);
    if (mc != CURLM_OK) return Status::Internal(std::string("curl_multi_poll: ") + curl_multi_strerror(mc));
    woken = im.woken.exchange(false);
  }
  // Callbacks may Submit() more work, so hand over the finished list first.
  std::vector<std::unique_ptr<HttpTransfer>> done;
  done.swap(im.finished);
  for (auto& t : done) t->done(std::move(t->response));
  return Status::Ok();
}

void HttpClient::Wakeup() {
  impl_->woken.store(true);
  curl_multi_wakeup(impl_->multi);
}

void HttpClient::CancelAll(std::string_view why) {
  Impl& im = *impl_;
  std::vector<CURL*> easies;
  for (auto& [easy, t] : im.running) easies.push_back(easy);
  for (CURL* easy : easies) {
    auto node = im.running.extract(easy);
    std::unique_ptr<HttpTransfer> t = std::move(node.mapped());
    curl_multi_remove_handle(im.multi, easy);
    curl_slist_free_all(t->header_list);
    im.idle.push_back(easy);
    --im.hosts[t->host].active;
    im.queued.push_back(std::move(t));
  }
  for (auto& t : im.queued) {
    t->response.error_code = "interrupted";
    t->response.error_message = std::string(why);
    im.finished.push_back(std::move(t));
  }
  im.queued.clear();
  std::vector<std::unique_ptr<HttpTransfer>> done;
  done.swap(im.finished);
  for (auto& t : done) t->done(std::move(t->response));
}

HttpResponse HttpClient::Fetch(HttpRequest request, std::string* body) {
  StringSink sink;
  HttpResponse out;
  bool finished = false;
  Submit(std::move(request), &sink, [&](HttpResponse&& r) {
    out = std::move(r);
    finished = true;
  });
  while (!finished) {
    Status s = Poll(milliseconds(1000));
    if (!s.ok()) {
      out.error_code = "transfer_failed";
      out.error_message = s.message();
      break;
    }
    if (InterruptRequested() && !finished) {
      CancelAll();
    }
  }
  if (body) *body = std::move(sink.body);
  return out;
}

}  // namespace pix
