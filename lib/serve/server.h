// Server: the thin socket layer of pix-serve over GNU libmicrohttpd. It
// parses HTTP, hands each request to a RequestHandler (the policy) and
// carries out its decision; file bodies go from the descriptor to the
// socket with sendfile(), never through our memory.
//
// Model: libmicrohttpd's internal thread pool, each thread an epoll loop over
// non-blocking sockets, so a slow or stalled client costs a socket and a
// small buffer, never a thread: others are served meanwhile. Limits: a total
// connection cap, an optional cap per client address, an idle timeout per
// connection (a client that sends or reads nothing that long is dropped,
// which ends slowloris-style trickles of headers and stalled downloads
// alike) and a memory cap per connection.
//
// Stop() stops accepting at once, lets requests in flight finish for up to a
// grace period, then closes what is left.
// Thread-safety: Start/Stop from one thread; the log callback is called from
// the pool threads, one call at a time (the Server serialises them).
// Failure modes: Start() fails when the address cannot be parsed or bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "serve/request_handler.h"

namespace pix {

struct ServerOptions {
  // "ADDR:PORT" ("[ADDR]:PORT" for IPv6). Loopback by default: exposing the
  // server is a decision. Port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:8080";
  // Pool threads, each running its own event loop. Transfers are sendfile()
  // calls on non-blocking sockets, so a few threads fill a fast link.
  int threads = 4;
  // Connections open at once; more are refused at accept time. Bounds memory
  // (each holds up to `connection_memory` bytes) and descriptors.
  unsigned max_connections = 512;
  // Connections from one client address at once; 0 for no limit. Behind a
  // proxy (nginx) every connection comes from the proxy, so it is off by default.
  unsigned max_per_ip = 0;
  // Seconds a connection may stay idle (nothing received and nothing sent)
  // before it is closed.
  unsigned timeout_s = 30;
  // Bytes of buffer per connection (headers and response headers).
  size_t connection_memory = 32 * 1024;
};

// One finished request, for the access log.
struct AccessEntry {
  std::string client;     // address of the peer
  std::string method;
  std::string target;     // with the signature redacted
  std::string version;    // "HTTP/1.1"
  int status = 0;
  int64_t bytes = -1;     // body bytes; -1 when the transfer did not complete
  int64_t time = 0;       // unix seconds when the request arrived
};

// The Common Log Format line for an entry (no trailing newline):
// 127.0.0.1 - - [02/Dec/2026:00:40:00 +0000] "GET /d/a?expires=1&sig=- HTTP/1.1" 200 1234
std::string CommonLogLine(const AccessEntry& entry);

class Server {
 public:
  using AccessLog = std::function<void(const AccessEntry&)>;
  using ErrorLog = std::function<void(std::string_view message)>;

  // Binds and starts serving on background threads. `handler` must outlive
  // the Server. `access_log` and `error_log` may be empty.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                               const RequestHandler* handler,
                                               AccessLog access_log, ErrorLog error_log);
  ~Server();  // Stop(0) when still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful after listening on port 0).
  uint16_t port() const { return port_; }
  // Requests being answered right now.
  int in_flight() const;

  // Stops accepting connections, waits up to `grace` for requests in flight
  // to finish, then closes every connection. Returns the number of requests
  // that were cut off. Idempotent.
  int Stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace pix
