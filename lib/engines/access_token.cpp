#include "engines/access_token.h"

namespace pix {

AccessToken::AccessToken(const EngineDef& engine, const EngineConfig& config) : config_(&config) {
  if (engine.token_grant && engine.token_grant->wanted(config)) {
    grant_ = engine.token_grant;
    state_ = State::kNeeded;
  }
}

HttpRequest AccessToken::Request() {
  state_ = State::kFetching;
  HttpRequest r = grant_->request(*config_);
  // The answer is the decision; a refusal is not worth repeating, and 5xx
  // and 429 are retried by the client as for pages.
  r.follow_redirects = false;  // the body carries the client secret
  return r;
}

void AccessToken::OnResponse(const HttpResponse& response, std::string_view body) {
  TokenAnswer answer;
  if (!response.ok()) {
    answer.error_code = response.error_code;
    answer.error_message = "the token request failed: " + response.error_message;
  } else {
    answer = grant_->parse(response.status, body);
  }
  if (!answer.error_code.empty() || answer.authorization.empty()) {
    state_ = State::kFailed;
    error_code_ = answer.error_code.empty() ? "malformed_response" : answer.error_code;
    error_message_ = answer.error_message;
    return;
  }
  authorization_ = std::move(answer.authorization);
  ++generation_;
  state_ = State::kReady;
}

uint64_t AccessToken::Authorize(HttpRequest* request) const {
  auto& headers = request->headers;
  std::erase_if(headers, [](const auto& h) { return h.first == "Authorization"; });
  headers.emplace_back("Authorization", authorization_);
  return generation_;
}

void AccessToken::Refused(uint64_t generation) {
  if (state_ == State::kReady && generation == generation_) {
    authorization_.clear();
    state_ = State::kNeeded;
  }
}

}  // namespace pix
