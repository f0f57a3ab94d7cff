// pix-serve's command line and its commands (serve DIR, sign PATH, sign --s3
// URI, verify URL) as library functions, so the tool's main() only parses and
// dispatches, and every command but the serving loop is testable without a
// process. Secrets and AWS settings come from the environment through the
// EnvLookup passed in (PIX_SERVE_SECRET, AWS_REGION, AWS_DEFAULT_REGION,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); this module reads no environment
// itself.
//
// Output: what the user asked for (a link, a verdict, the access log) goes
// to a TextOut, whole lines ending in '\n'; messages go through a Terminal.
// Thread-safety: RunServeCommand() from one thread; while serving, the
// TextOut is called from the server's threads, one call at a time. Failure
// modes: the commands return the tool's exit code (0 ok, 1 an invalid or
// expired link, 2 usage: no command, no argument, no secret, a bad
// --expires; 3 fatal: the directory cannot be served, the port cannot be
// bound).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "base/terminal.h"
#include "serve/server.h"
#include "serve/signed_link.h"

namespace pix {

struct ServeFlags {
  std::string command;  // serve, sign or verify
  std::string arg;      // the directory, path or URL the command works on
  std::string secret_file;
  std::string base_url;  // sign: scheme and host; empty: http://<listen>
  std::string s3;        // sign --s3 s3://BUCKET/KEY
  std::string region;    // sign --s3; empty: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1
  std::string endpoint;  // sign --s3; empty: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, AWS
  std::string addressing = "auto";  // auto, virtual or path
  std::string expires = "24h";
  double grace_s = 10;
  bool quiet = false;
  ServerOptions server;
};

// Adds pix-serve's positional arguments, flags and exit-status footer to
// `cli`, writing into `flags`.
void AddServeFlags(ToolCli& cli, ServeFlags* flags);

using TextOut = std::function<void(std::string_view text)>;

// Runs flags.command; returns the exit code. serve runs until SIGINT or
// SIGTERM (it installs the handlers), then lets transfers finish for
// flags.grace_s seconds.
int RunServeCommand(const ServeFlags& flags, const EnvLookup& env, const TextOut& out,
                    Terminal* terminal);

// The pieces, for tests and other callers.

// The signing secret: --secret-file, else $PIX_SERVE_SECRET; kInvalidArgument
// when neither is given or the secret is too short.
Result<std::string> ServeSecret(const ServeFlags& flags, const EnvLookup& env);

// sign --s3: the presigned URL of flags.s3, valid `expires_s` from `now`.
Result<std::string> PresignFromFlags(const ServeFlags& flags, int64_t expires_s, int64_t now,
                                     const EnvLookup& env);

// verify: the verdict line for `url` (a full URL or a /d/ path) at `now`, and
// the exit code (0 valid, 1 invalid or expired).
struct LinkVerdictLine {
  std::string line;
  int exit_code = 0;
};
LinkVerdictLine VerifyLinkLine(const LinkSigner& signer, const std::string& url, int64_t now);

}  // namespace pix
