#include "serve/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdarg>
#include <ctime>
#include <fmt/format.h>
#include <mutex>
#include <thread>

namespace pix {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Per-request state, made when the request line arrives (the raw target is
// only available then) and freed when the request completes.
struct RequestState {
  std::string target;  // raw request-target with the query
  AccessEntry entry;
  bool headers_seen = false;
  bool answered = false;
};

std::string ClientAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "-";
  char buf[INET6_ADDRSTRLEN] = "-";
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::string_view HeaderValue(MHD_Connection* connection, const char* name) {
  const char* v = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return v ? std::string_view(v) : std::string_view();
}

// Parses "ADDR:PORT" or "[ADDR6]:PORT" into a socket address.
Status ParseListen(const std::string& listen, sockaddr_storage* out, bool* ipv6) {
  auto bad = [&] {
    return Status::InvalidArgument(fmt::format(
        "bad listen address '{}' (want ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)", listen));
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad();
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad();
  }
  *out = {};
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    auto* sa = reinterpret_cast<sockaddr_in6*>(out);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &sa->sin6_addr) != 1) {
      return bad();
    }
    *ipv6 = true;
    return Status::Ok();
  }
  auto* sa = reinterpret_cast<sockaddr_in*>(out);
  sa->sin_family = AF_INET;
  sa->sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &sa->sin_addr) != 1) return bad();
  *ipv6 = false;
  return Status::Ok();
}

}  // namespace

std::string CommonLogLine(const AccessEntry& e) {
  const time_t t = static_cast<time_t>(e.time);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return fmt::format("{} - - [{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000] \"{} {} {}\" {} {}", e.client,
                     tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, e.method, e.target, e.version, e.status,
                     e.bytes < 0 ? std::string("-") : std::to_string(e.bytes));
}

struct Server::Impl {
  const RequestHandler* handler = nullptr;
  AccessLog access_log;
  ErrorLog error_log;
  std::mutex log_mutex;
  MHD_Daemon* daemon = nullptr;
  std::atomic<int> in_flight{0};

  static void* OnUri(void* cls, const char* uri, MHD_Connection*) {
    (void)cls;
    auto* state = new RequestState;
    state->target = uri ? uri : "";
    state->entry.time = static_cast<int64_t>(std::time(nullptr));
    return state;
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char*,
                              const char* method, const char* version, const char*,
                              size_t* upload_data_size, void** con_cls) {
    auto* self = static_cast<Impl*>(cls);
    auto* state = static_cast<RequestState*>(*con_cls);
    if (state == nullptr) return MHD_NO;  // not made by OnUri: cannot happen
    if (state->answered) return MHD_NO;  // cannot happen: a request is answered once
    // The first call has only the headers. Answering then would make the
    // library close the connection (it cannot tell where an unread body
    // ends), so wait until any body is consumed: keep-alive stays possible.
    if (!state->headers_seen || *upload_data_size != 0) {
      state->headers_seen = true;
      *upload_data_size = 0;  // a body nobody asked for: discard it
      return MHD_YES;
    }
    state->answered = true;
    ServeRequest request;
    request.method = method;
    request.target = state->target;
    request.range = HeaderValue(connection, MHD_HTTP_HEADER_RANGE);
    request.if_range = HeaderValue(connection, MHD_HTTP_HEADER_IF_RANGE);
    request.if_none_match = HeaderValue(connection, MHD_HTTP_HEADER_IF_NONE_MATCH);
    request.if_modified_since = HeaderValue(connection, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
    request.original_uri = HeaderValue(connection, "X-Original-URI");
    request.now = state->entry.time;
    ServeResponse decision = self->handler->Handle(request);

    AccessEntry& entry = state->entry;
    entry.client = ClientAddress(connection);
    entry.method = method;
    entry.target = RedactSignature(state->target);
    entry.version = version ? version : "-";
    entry.status = decision.status;
    entry.bytes = request.method == "HEAD" ? 0 : static_cast<int64_t>(decision.BodyBytes());

    MHD_Response* response = nullptr;
    if (decision.file && decision.length > 0) {
      response = MHD_create_response_from_fd_at_offset64(decision.length, decision.file.get(),
                                                         decision.offset);
      if (response != nullptr) decision.file.release();  // the response closes it
    } else {
      response = MHD_create_response_from_buffer(decision.body.size(), decision.body.data(),
                                                 MHD_RESPMEM_MUST_COPY);
    }
    if (response == nullptr) return MHD_NO;  // out of memory: drop the connection
    for (const auto& [name, value] : decision.headers) {
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    const MHD_Result queued =
        MHD_queue_response(connection, static_cast<unsigned>(decision.status), response);
    MHD_destroy_response(response);
    if (queued == MHD_YES) self->in_flight.fetch_add(1);
    else entry.status = 0;
    return queued;
  }

  static void OnCompleted(void* cls, MHD_Connection*, void** con_cls,
                          MHD_RequestTerminationCode code) {
    auto* self = static_cast<Impl*>(cls);
    auto* state = static_cast<RequestState*>(*con_cls);
    *con_cls = nullptr;
    if (state == nullptr) return;
    if (state->answered && state->entry.status != 0) {
      self->in_flight.fetch_sub(1);
      if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK) state->entry.bytes = -1;
      if (self->access_log) {
        std::lock_guard lock(self->log_mutex);
        self->access_log(state->entry);
      }
    }
    delete state;
  }

  static void OnError(void* cls, const char* format, va_list ap) {
    auto* self = static_cast<Impl*>(cls);
    if (!self->error_log) return;
    char buf[512];
    vsnprintf(buf, sizeof buf, format, ap);
    std::string_view message(buf);
    while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
    std::lock_guard lock(self->log_mutex);
    self->error_log(message);
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                              const RequestHandler* handler, AccessLog access_log,
                                              ErrorLog error_log) {
  sockaddr_storage address{};
  bool ipv6 = false;
  PIX_RETURN_IF_ERROR(ParseListen(options.listen, &address, &ipv6));
  auto impl = std::make_unique<Impl>();
  impl->handler = handler;
  impl->access_log = std::move(access_log);
  impl->error_log = std::move(error_log);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                   MHD_USE_ERROR_LOG;
  if (ipv6) flags |= MHD_USE_IPv6;
  Impl* raw = impl.get();
  impl->daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Impl::OnRequest, raw,
      MHD_OPTION_EXTERNAL_LOGGER, &Impl::OnError, raw,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&address),
      MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(std::max(1, options.threads)),
      MHD_OPTION_CONNECTION_LIMIT, options.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, options.max_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, options.timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, options.connection_memory,
      MHD_OPTION_URI_LOG_CALLBACK, &Impl::OnUri, raw,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::OnCompleted, raw,
      MHD_OPTION_END);
  if (impl->daemon == nullptr) {
    return Status::IoError(fmt::format("cannot listen on {} (address in use, or not local?)",
                                       options.listen));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(impl->daemon, MHD_DAEMON_INFO_BIND_PORT);
  std::unique_ptr<Server> server(new Server(std::move(impl)));
  server->port_ = info ? info->port : 0;
  return server;
}

int Server::in_flight() const { return impl_->in_flight.load(); }

int Server::Stop(std::chrono::milliseconds grace) {
  if (impl_->daemon == nullptr) return 0;
  const MHD_socket listener = MHD_quiesce_daemon(impl_->daemon);
  if (listener != MHD_INVALID_SOCKET) ::close(listener);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int cut = impl_->in_flight.load();
  MHD_stop_daemon(impl_->daemon);
  impl_->daemon = nullptr;
  return cut;
}

}  // namespace pix
