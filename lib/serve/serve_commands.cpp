#include "serve/serve_commands.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "base/exit_code.h"
#include "base/signals.h"
#include "serve/http_range.h"
#include "serve/request_handler.h"
#include "serve/s3_presign.h"

namespace pix {
namespace {

int Fail(Terminal* terminal, const Status& status) {
  terminal->Error(status.message());
  return ExitCodeFor(status);
}

int Serve(const ServeFlags& f, LinkSigner signer, const TextOut& out, Terminal* terminal) {
  const ServerOptions& options = f.server;
  auto handler = RequestHandler::Open(f.arg, std::move(signer));
  if (!handler.ok()) return Fail(terminal, handler.status());
  std::mutex terminal_mutex;  // MHD's threads report errors too
  Server::AccessLog access_log;
  if (!f.quiet) {
    access_log = [&out](const AccessEntry& e) { out(CommonLogLine(e) + "\n"); };
  }
  auto server = Server::Start(options, handler->get(), access_log, [&](std::string_view m) {
    std::lock_guard lock(terminal_mutex);
    terminal->Warning(m);
  });
  if (!server.ok()) return Fail(terminal, server.status());
  {
    std::lock_guard lock(terminal_mutex);
    const std::string host = options.listen.substr(0, options.listen.rfind(':'));
    terminal->Info(fmt::format("serving {} on http://{}:{}/d/ (signed links only)", f.arg, host,
                               (*server)->port()));
  }
  while (!InterruptRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int cut =
      (*server)->Stop(std::chrono::milliseconds(static_cast<int64_t>(f.grace_s * 1000)));
  std::lock_guard lock(terminal_mutex);
  terminal->Info(cut == 0 ? std::string("stopped")
                          : fmt::format("stopped; cut {} transfer(s) still running after the grace "
                                        "period",
                                        cut));
  return kExitOk;
}

}  // namespace

void AddServeFlags(ToolCli& cli, ServeFlags* f) {
  ServerOptions* options = &f->server;
  CLI::App& app = cli.app();
  app.add_option("command", f->command, "serve DIR | sign PATH | sign --s3 URI | verify URL")
      ->check(CLI::IsMember({"serve", "sign", "verify"}));
  app.add_option("arg", f->arg, "The directory, path or URL the command works on");
  app.add_option("--secret-file", f->secret_file,
                 "Read the signing secret from FILE (else from $PIX_SERVE_SECRET)")
      ->type_name("FILE");
  app.add_option("--listen", options->listen, "Address and port to serve on (port 0: any free)")
      ->type_name("ADDR:PORT")
      ->capture_default_str();
  cli.AddConcurrency(&options->threads, "Server threads, each an event loop over many connections");
  app.add_option("--max-connections", options->max_connections, "Connections open at once")
      ->type_name("N")
      ->check(Quiet(CLI::Range(1u, 100000u)))
      ->capture_default_str();
  app.add_option("--max-per-ip", options->max_per_ip,
                 "Connections open at once from one address (0: no limit)")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--timeout", options->timeout_s,
                 "Close a connection idle (nothing sent or received) this long")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::Range(1u, 86400u)))
      ->capture_default_str();
  app.add_option("--grace", f->grace_s,
                 "On SIGTERM/SIGINT, let transfers in flight finish for this long")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::Range(0.0, 3600.0)))
      ->capture_default_str();
  cli.AddQuiet(&f->quiet)->description("No access log and no start/stop lines; errors still print");
  app.add_option("--expires", f->expires, "sign: how long the link stays valid (s, m, h, d, w)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--base-url", f->base_url,
                 "sign: scheme and host the link starts with (default: http://<--listen>)")
      ->type_name("URL");
  app.add_option("--s3", f->s3, "sign: presign a GET of this S3 object instead (AWS_* credentials)")
      ->type_name("s3://BUCKET/KEY");
  app.add_option("--region", f->region, "sign --s3: region (default: $AWS_REGION or us-east-1)")
      ->type_name("REGION");
  app.add_option("--endpoint", f->endpoint,
                 "sign --s3: S3-compatible endpoint, e.g. MinIO or R2 (default: AWS)")
      ->type_name("URL");
  app.add_option("--addressing", f->addressing,
                 "sign --s3: bucket in the host name or in the path (auto: virtual on AWS, path "
                 "on --endpoint)")
      ->check(CLI::IsMember({"auto", "virtual", "path"}))
      ->capture_default_str();
  app.footer(
      "Exit status: 0 success (serve: stopped by SIGTERM or SIGINT; verify: valid link),\n"
      "1 verify: invalid or expired link, 2 usage error, 3 fatal error. See pix-serve(1).");
}

Result<std::string> ServeSecret(const ServeFlags& f, const EnvLookup& env) {
  if (!f.secret_file.empty()) return ReadSecretFile(f.secret_file);
  std::string secret = env("PIX_SERVE_SECRET");
  if (secret.empty()) {
    return Status::InvalidArgument(
        "no signing secret: give --secret-file FILE or set PIX_SERVE_SECRET");
  }
  PIX_RETURN_IF_ERROR(CheckSecret(secret).WithContext("PIX_SERVE_SECRET"));
  return secret;
}

Result<std::string> PresignFromFlags(const ServeFlags& f, int64_t expires_s, int64_t now,
                                     const EnvLookup& env) {
  S3PresignRequest r;
  PIX_RETURN_IF_ERROR(ParseS3Uri(f.s3, &r.bucket, &r.key));
  r.region = !f.region.empty() ? f.region : env("AWS_REGION");
  if (r.region.empty()) r.region = env("AWS_DEFAULT_REGION");
  if (r.region.empty()) r.region = "us-east-1";
  r.endpoint = !f.endpoint.empty() ? f.endpoint : env("AWS_ENDPOINT_URL_S3");
  if (r.endpoint.empty()) r.endpoint = env("AWS_ENDPOINT_URL");
  r.addressing = f.addressing == "path"      ? S3Addressing::kPathStyle
                 : f.addressing == "virtual" ? S3Addressing::kVirtualHosted
                                             : S3Addressing::kAuto;
  r.expires_s = expires_s;
  r.now = now;
  return PresignS3Get(
      r, {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")});
}

LinkVerdictLine VerifyLinkLine(const LinkSigner& signer, const std::string& url, int64_t now) {
  std::string target = url;
  if (const size_t scheme = target.find("://"); scheme != std::string::npos) {
    const size_t path = target.find('/', scheme + 3);
    target = path == std::string::npos ? "/" : target.substr(path);
  }
  const LinkCheck check = signer.Check(target, now);
  switch (check.verdict) {
    case LinkVerdict::kValid:
      return {fmt::format("valid: {} until {} ({} s left)\n", check.path,
                          FormatHttpDate(check.expires), check.expires - now),
              kExitOk};
    case LinkVerdict::kExpired:
      return {fmt::format("expired: {} at {}\n", check.path, FormatHttpDate(check.expires)),
              kExitRecordsFailed};
    case LinkVerdict::kBadPath:
      return {"invalid: not a /d/ link to a servable path\n", kExitRecordsFailed};
    case LinkVerdict::kForbidden:
      break;
  }
  return {"invalid: missing or wrong signature (another secret, or the link was changed)\n",
          kExitRecordsFailed};
}

int RunServeCommand(const ServeFlags& f, const EnvLookup& env, const TextOut& out,
                    Terminal* terminal) {
  if (f.command.empty()) {
    terminal->Error("a command is needed: serve DIR, sign PATH or verify URL (see --help)");
    return kExitUsage;
  }
  auto expires = ParseDuration(f.expires);
  if (!expires.ok()) return Fail(terminal, expires.status());
  if (f.command == "sign" && !f.s3.empty()) {
    auto url = PresignFromFlags(f, *expires, static_cast<int64_t>(std::time(nullptr)), env);
    if (!url.ok()) return Fail(terminal, url.status());
    out(*url + "\n");
    return kExitOk;
  }
  if (f.arg.empty()) {
    terminal->Error(f.command == "serve"  ? "serve needs the DIR to serve"
                    : f.command == "sign" ? "sign needs the PATH to sign (or --s3 URI)"
                                          : "verify needs the URL to check");
    return kExitUsage;
  }
  auto secret = ServeSecret(f, env);
  if (!secret.ok()) return Fail(terminal, secret.status());
  LinkSigner signer(std::move(*secret));
  if (f.command == "verify") {
    const LinkVerdictLine verdict =
        VerifyLinkLine(signer, f.arg, static_cast<int64_t>(std::time(nullptr)));
    out(verdict.line);
    return verdict.exit_code;
  }
  if (f.command == "sign") {
    auto link = signer.Link(f.arg, static_cast<int64_t>(std::time(nullptr)) + *expires);
    if (!link.ok()) return Fail(terminal, link.status());
    std::string base = f.base_url.empty() ? "http://" + f.server.listen : f.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    out(base + *link + "\n");
    return kExitOk;
  }
  InstallSignalHandlers();
  return Serve(f, std::move(signer), out, terminal);
}

}  // namespace pix
