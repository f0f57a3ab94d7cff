// pix-serve: serves a directory of packed datasets to holders of signed,
// expiring links (alone or as the origin behind an nginx cache), makes such
// links, and presigns S3 URLs. See man pix-serve.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "serve/http_range.h"
#include "serve/s3_presign.h"
#include "serve/server.h"

namespace {

struct Flags {
  std::string command, arg, secret_file, base_url, s3, region, endpoint, addressing = "auto";
  std::string expires = "24h";
  double grace_s = 10;
  bool quiet = false;
};

pix::Result<std::string> Secret(const Flags& f) {
  if (!f.secret_file.empty()) return pix::ReadSecretFile(f.secret_file);
  std::string secret = pix::GetEnv("PIX_SERVE_SECRET");
  if (secret.empty()) {
    return pix::Status::InvalidArgument(
        "no signing secret: give --secret-file FILE or set PIX_SERVE_SECRET");
  }
  PIX_RETURN_IF_ERROR(pix::CheckSecret(secret).WithContext("PIX_SERVE_SECRET"));
  return secret;
}

int Fail(pix::Terminal& terminal, const pix::Status& status) {
  terminal.Error(status.message());
  return pix::ExitCodeFor(status);
}

int SignS3(const Flags& f, int64_t expires_s, pix::Terminal& terminal) {
  pix::S3PresignRequest r;
  if (auto s = pix::ParseS3Uri(f.s3, &r.bucket, &r.key); !s.ok()) return Fail(terminal, s);
  r.region = !f.region.empty() ? f.region : pix::GetEnv("AWS_REGION");
  if (r.region.empty()) r.region = pix::GetEnv("AWS_DEFAULT_REGION");
  if (r.region.empty()) r.region = "us-east-1";
  r.endpoint = !f.endpoint.empty() ? f.endpoint : pix::GetEnv("AWS_ENDPOINT_URL_S3");
  if (r.endpoint.empty()) r.endpoint = pix::GetEnv("AWS_ENDPOINT_URL");
  r.addressing = f.addressing == "path"      ? pix::S3Addressing::kPathStyle
                 : f.addressing == "virtual" ? pix::S3Addressing::kVirtualHosted
                                             : pix::S3Addressing::kAuto;
  r.expires_s = expires_s;
  r.now = static_cast<int64_t>(std::time(nullptr));
  auto url = pix::PresignS3Get(r, {pix::GetEnv("AWS_ACCESS_KEY_ID"),
                                   pix::GetEnv("AWS_SECRET_ACCESS_KEY"),
                                   pix::GetEnv("AWS_SESSION_TOKEN")});
  if (!url.ok()) return Fail(terminal, url.status());
  fmt::print("{}\n", *url);
  return pix::kExitOk;
}

int Verify(const pix::LinkSigner& signer, const std::string& url) {
  std::string target = url;
  if (const size_t scheme = target.find("://"); scheme != std::string::npos) {
    const size_t path = target.find('/', scheme + 3);
    target = path == std::string::npos ? "/" : target.substr(path);
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const pix::LinkCheck check = signer.Check(target, now);
  switch (check.verdict) {
    case pix::LinkVerdict::kValid:
      fmt::print("valid: {} until {} ({} s left)\n", check.path, pix::FormatHttpDate(check.expires),
                 check.expires - now);
      return pix::kExitOk;
    case pix::LinkVerdict::kExpired:
      fmt::print("expired: {} at {}\n", check.path, pix::FormatHttpDate(check.expires));
      return pix::kExitRecordsFailed;
    case pix::LinkVerdict::kBadPath:
      fmt::print("invalid: not a /d/ link to a servable path\n");
      return pix::kExitRecordsFailed;
    case pix::LinkVerdict::kForbidden:
      break;
  }
  fmt::print("invalid: missing or wrong signature (another secret, or the link was changed)\n");
  return pix::kExitRecordsFailed;
}

int Serve(const Flags& f, const pix::ServerOptions& options, pix::LinkSigner signer,
          pix::Terminal& terminal) {
  auto handler = pix::RequestHandler::Open(f.arg, std::move(signer));
  if (!handler.ok()) return Fail(terminal, handler.status());
  std::mutex terminal_mutex;  // MHD's threads report errors too
  pix::Server::AccessLog access_log;
  if (!f.quiet) {
    access_log = [](const pix::AccessEntry& e) {
      const std::string line = pix::CommonLogLine(e) + "\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fflush(stdout);
    };
  }
  auto server = pix::Server::Start(options, handler->get(), access_log, [&](std::string_view m) {
    std::lock_guard lock(terminal_mutex);
    terminal.Warning(m);
  });
  if (!server.ok()) return Fail(terminal, server.status());
  {
    std::lock_guard lock(terminal_mutex);
    const std::string host = options.listen.substr(0, options.listen.rfind(':'));
    terminal.Info(fmt::format("serving {} on http://{}:{}/d/ (signed links only)", f.arg, host,
                              (*server)->port()));
  }
  while (!pix::InterruptRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int cut = (*server)->Stop(std::chrono::milliseconds(static_cast<int64_t>(f.grace_s * 1000)));
  std::lock_guard lock(terminal_mutex);
  terminal.Info(cut == 0 ? std::string("stopped")
                         : fmt::format("stopped; cut {} transfer(s) still running after the grace "
                                       "period", cut));
  return pix::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-serve", "Serve datasets through signed, expiring, resumable links");
  Flags f;
  pix::ServerOptions options;
  CLI::App& app = cli.app();
  app.add_option("command", f.command, "serve DIR | sign PATH | sign --s3 URI | verify URL")
      ->check(CLI::IsMember({"serve", "sign", "verify"}));
  app.add_option("arg", f.arg, "The directory, path or URL the command works on");
  app.add_option("--secret-file", f.secret_file,
                 "Read the signing secret from FILE (else from $PIX_SERVE_SECRET)")
      ->type_name("FILE");
  app.add_option("--listen", options.listen, "Address and port to serve on (port 0: any free)")
      ->type_name("ADDR:PORT")
      ->capture_default_str();
  cli.AddConcurrency(&options.threads, "Server threads, each an event loop over many connections");
  app.add_option("--max-connections", options.max_connections, "Connections open at once")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(1u, 100000u)))
      ->capture_default_str();
  app.add_option("--max-per-ip", options.max_per_ip,
                 "Connections open at once from one address (0: no limit)")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_s,
                 "Close a connection idle (nothing sent or received) this long")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::Range(1u, 86400u)))
      ->capture_default_str();
  app.add_option("--grace", f.grace_s,
                 "On SIGTERM/SIGINT, let transfers in flight finish for this long")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::Range(0.0, 3600.0)))
      ->capture_default_str();
  cli.AddQuiet(&f.quiet)->description("No access log and no start/stop lines; errors still print");
  app.add_option("--expires", f.expires, "sign: how long the link stays valid (s, m, h, d, w)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--base-url", f.base_url,
                 "sign: scheme and host the link starts with (default: http://<--listen>)")
      ->type_name("URL");
  app.add_option("--s3", f.s3, "sign: presign a GET of this S3 object instead (AWS_* credentials)")
      ->type_name("s3://BUCKET/KEY");
  app.add_option("--region", f.region, "sign --s3: region (default: $AWS_REGION or us-east-1)")
      ->type_name("REGION");
  app.add_option("--endpoint", f.endpoint,
                 "sign --s3: S3-compatible endpoint, e.g. MinIO or R2 (default: AWS)")
      ->type_name("URL");
  app.add_option("--addressing", f.addressing,
                 "sign --s3: bucket in the host name or in the path (auto: virtual on AWS, path "
                 "on --endpoint)")
      ->check(CLI::IsMember({"auto", "virtual", "path"}))
      ->capture_default_str();
  app.footer("Exit status: 0 success (serve: stopped by SIGTERM or SIGINT; verify: valid link),\n"
             "1 verify: invalid or expired link, 2 usage error, 3 fatal error. See pix-serve(1).");
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), f.quiet);
  if (f.command.empty()) {
    terminal.Error("a command is needed: serve DIR, sign PATH or verify URL (see --help)");
    return pix::kExitUsage;
  }
  auto expires = pix::ParseDuration(f.expires);
  if (!expires.ok()) return Fail(terminal, expires.status());
  if (f.command == "sign" && !f.s3.empty()) return SignS3(f, *expires, terminal);
  if (f.arg.empty()) {
    terminal.Error(f.command == "serve"  ? "serve needs the DIR to serve"
                   : f.command == "sign" ? "sign needs the PATH to sign (or --s3 URI)"
                                         : "verify needs the URL to check");
    return pix::kExitUsage;
  }
  auto secret = Secret(f);
  if (!secret.ok()) return Fail(terminal, secret.status());
  pix::LinkSigner signer(std::move(*secret));
  if (f.command == "verify") return Verify(signer, f.arg);
  if (f.command == "sign") {
    auto link = signer.Link(f.arg, static_cast<int64_t>(std::time(nullptr)) + *expires);
    if (!link.ok()) return Fail(terminal, link.status());
    std::string base = f.base_url.empty() ? "http://" + options.listen : f.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    fmt::print("{}{}\n", base, *link);
    return pix::kExitOk;
  }
  pix::InstallSignalHandlers();
  return Serve(f, options, std::move(signer), terminal);
}
