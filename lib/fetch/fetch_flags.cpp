#include "fetch/fetch_flags.h"

#include <chrono>
#include <cstdint>

namespace pix {

void AddFetchFlags(ToolCli& cli, FetchFlags* f) {
  FetchOptions* o = &f->options;
  cli.AddConcurrency(&o->http.max_total_connections,
                     "Connections (simultaneous downloads) in total");
  AddNetworkFlags(cli, &f->network, o->http);

  CLI::App& app = cli.app();
  app.add_option("-d,--dir", o->output_dir, "Directory to download into")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_flag("--flat", f->flat, "Put every file in DIR instead of one subdirectory per label");
  app.add_flag("--resume", o->resume,
               "Continue partial downloads of an interrupted run with HTTP Range requests");
  app.add_option("--accept", f->accept,
                 "Files to keep: image (refuse anything else), or any (archives, documents, ...; "
                 "named after the URL)")
      ->check(CLI::IsMember({"image", "any"}))
      ->capture_default_str();
  app.add_option("--checksum", f->checksum,
                 "Check SHA-256: auto (a record's expected_sha256 or sha256_url), beside (also "
                 "URL.sha256 when there is one), require (fail without one), off")
      ->check(CLI::IsMember({"off", "auto", "beside", "require"}))
      ->capture_default_str();
  app.add_flag("--ignore-noai", f->ignore_noai,
               "Download even when the server sends X-Robots-Tag: noai or noimageai");
  app.add_option("--referer", o->referer,
                 "Referer to send: a URL, or 'page' for each record's page_url")
      ->type_name("URL");
  app.add_option("--max-bytes", o->http.max_bytes, "Largest file to accept, in bytes")
      ->type_name("N")
      ->check(Quiet(CLI::PositiveNumber))
      ->capture_default_str();
  app.add_option("--per-host", o->http.max_host_connections, "Simultaneous downloads per host")
      ->type_name("N")
      ->check(Quiet(CLI::Range(1, 1024)))
      ->capture_default_str();
  app.add_option("--host-delay", f->host_delay_s, "Seconds between two request starts to one host")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
  app.add_option("--low-speed-limit", o->http.low_speed_bytes,
                 "Abort a download slower than N bytes/s for --low-speed-time seconds")
      ->type_name("N")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
  app.add_option("--low-speed-time", f->low_speed_time_s,
                 "Seconds of --low-speed-limit before aborting")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::Range(1, 86400)))
      ->capture_default_str();
  app.add_flag("--no-http2", f->no_http2, "Use HTTP/1.1 only");
}

Result<FetchOptions> ResolveFetchOptions(const FetchFlags& f) {
  FetchOptions o = f.options;
  PIX_RETURN_IF_ERROR(f.network.ApplyTo(&o.http));
  o.by_label = !f.flat;
  o.honour_noai = !f.ignore_noai;
  o.http.http2 = !f.no_http2;
  o.accept = f.accept == "any" ? AcceptTypes::kAny : AcceptTypes::kImages;
  if (f.checksum == "off") o.checksum = ChecksumMode::kOff;
  if (f.checksum == "auto") o.checksum = ChecksumMode::kAuto;
  if (f.checksum == "beside") o.checksum = ChecksumMode::kBeside;
  if (f.checksum == "require") o.checksum = ChecksumMode::kRequire;
  o.http.host_delay = std::chrono::milliseconds(static_cast<int64_t>(f.host_delay_s * 1000));
  o.http.low_speed_time = std::chrono::seconds(f.low_speed_time_s);
  return o;
}

}  // namespace pix
