// ResponseCapture: pix-search --capture DIR. Saves every engine response
// with the request that got it, so that a page whose layout changed can
// become a new test fixture and a failing parser can be reproduced offline.
//
// Per response, numbered in the order responses arrive:
//   DIR/NNNN-ENGINE.request.json   {"engine", "query", "method", "url",
//                                   "headers"}: API keys and tokens in the
//                                   URL and in Authorization, x-api-key and
//                                   similar headers replaced by "***"
//   DIR/NNNN-ENGINE.response.json  {"status", "final_url", "headers",
//                                   "body_file", "bytes", "error_code",
//                                   "error_message"}
//   DIR/NNNN-ENGINE.body.EXT       the body as the parser saw it (decoded
//                                   when it came compressed); EXT is json,
//                                   html or txt by Content-Type
// A transfer that failed (timeout, TLS) gets the two JSON files and an empty
// body file. Files are written to a temporary name and renamed.
//
// Failure modes: Open() fails when DIR cannot be created; Save() returns the
// I/O error. Thread-safety: one thread (the search stage's loop).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/client.h"

namespace pix {

class ResponseCapture {
 public:
  // Creates `dir` (and parents) when missing.
  static Result<std::unique_ptr<ResponseCapture>> Open(std::string dir);

  Status Save(std::string_view engine, std::string_view query, const HttpRequest& request,
              const HttpResponse& response, std::string_view body);

  const std::string& dir() const { return dir_; }
  uint64_t saved() const { return saved_; }

 private:
  explicit ResponseCapture(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  uint64_t saved_ = 0;
};

// A request header whose value is a credential (Authorization, x-api-key,
// Ocp-Apim-Subscription-Key, ...), compared without case.
bool IsSecretHeader(std::string_view name);

}  // namespace pix
