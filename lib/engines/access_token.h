// The access token of one engine for one run (EngineDef::token_grant): when
// to ask for one, the Authorization header to put on page requests, and
// what to do when a page request is refused with 401 (an expired token).
//
// The owner (search stage, probe) sends Request() through its HttpClient
// when NeedsRequest() says so, feeds the answer to OnResponse(), calls
// Authorize() on each page request as it is sent, and Refused() when such a
// request came back 401. Nothing is written to disk: a token lives as long as
// the process.
//
// Failure modes: a refused or malformed token answer, or a failed token
// transfer, makes the token failed() for the rest of the run with the
// engine's error code ("unauthorized" for refused credentials) and a message
// that names the settings to check; the owner then ends that engine's
// searches with it. Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engines/engine.h"
#include "http/client.h"

namespace pix {

class AccessToken {
 public:
  // A token for `engine` with `config`; in_use() is false when the engine
  // issues no tokens or these settings have no client credentials.
  AccessToken(const EngineDef& engine, const EngineConfig& config);

  bool in_use() const { return grant_ != nullptr; }
  // A token is there to send.
  bool ready() const { return state_ == State::kReady; }
  // No token can be had this run; error_code()/error_message() say why.
  bool failed() const { return state_ == State::kFailed; }
  const std::string& error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }

  // Whether a token request should be sent now: in use, no token, none asked for.
  bool NeedsRequest() const { return state_ == State::kNeeded; }
  // The token request. REQUIRES: NeedsRequest(). Afterwards a request is in flight.
  HttpRequest Request();
  // The answer to Request().
  void OnResponse(const HttpResponse& response, std::string_view body);

  // Sets the Authorization header of `request` (replacing one the engine
  // set) and returns the token's generation. REQUIRES: ready().
  uint64_t Authorize(HttpRequest* request) const;
  // A page request sent with `generation` came back 401: if that token is
  // still the current one, it is dropped and a new one is needed.
  void Refused(uint64_t generation);

 private:
  enum class State { kUnused, kNeeded, kFetching, kReady, kFailed };

  const TokenGrant* grant_ = nullptr;
  const EngineConfig* config_;
  State state_ = State::kUnused;
  std::string authorization_;
  uint64_t generation_ = 0;
  std::string error_code_, error_message_;
};

}  // namespace pix
