// The command-line flags every tool that talks HTTP shares (pix-fetch,
// pix-search, pix-keywords, pix-validate's AI judge), defined once so they
// mean the same everywhere: --user-agent, --allow-private, --allow-net,
// --proxy, --proxy-from-env, --connect-timeout, --response-timeout, --timeout,
// --retries and --max-retry-wait.
#pragma once

#include <string>
#include <vector>

#include "base/cli.h"
#include "http/client.h"

namespace pix {

struct NetworkFlags {
  std::string user_agent;
  bool allow_private = false;
  std::vector<std::string> allow_nets;
  std::string proxy;
  bool proxy_from_env = false;
  double connect_timeout_s = 0;
  double response_timeout_s = 0;
  double timeout_s = 0;
  int retries = 0;
  double max_retry_wait_s = 0;

  // Copies the flag values into `options`; fails on a malformed --allow-net.
  Status ApplyTo(HttpOptions* options) const;
};

// Adds the flags with defaults taken from `defaults`.
void AddNetworkFlags(ToolCli& cli, NetworkFlags* flags, const HttpOptions& defaults);

}  // namespace pix
