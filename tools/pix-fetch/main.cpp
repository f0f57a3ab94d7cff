// pix-fetch: downloads the images of JSON-lines records, in parallel and safely.
#include "base/cli.h"
#include "base/exit_code.h"
#include "base/terminal.h"
#include "fetch/fetcher.h"
#include "http/http_flags.h"
#include "jsonl/stage_io.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-fetch", "Download the image of every record that has a \"url\"");
  pix::CommonOptions common;
  pix::FetchOptions options;
  pix::NetworkFlags network;
  pix::AddCommonFlags(&cli, &common);
  cli.AddConcurrency(&options.http.max_total_connections,
                     "Connections (simultaneous downloads) in total");
  pix::AddNetworkFlags(cli, &network, options.http);

  CLI::App& app = cli.app();
  bool flat = false, ignore_noai = false, no_http2 = false;
  double host_delay_s = 0;
  int low_speed_time_s = static_cast<int>(options.http.low_speed_time.count());
  app.add_option("-d,--dir", options.output_dir, "Directory to download into")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_flag("--flat", flat, "Put every file in DIR instead of one subdirectory per label");
  app.add_flag("--resume", options.resume,
               "Continue partial downloads of an interrupted run with HTTP Range requests");
  app.add_flag("--ignore-noai", ignore_noai,
               "Download even when the server sends X-Robots-Tag: noai or noimageai");
  app.add_option("--referer", options.referer,
                 "Referer to send: a URL, or 'page' for each record's page_url")
      ->type_name("URL");
  app.add_option("--max-bytes", options.http.max_bytes, "Largest file to accept, in bytes")
      ->type_name("N")
      ->check(pix::Quiet(CLI::PositiveNumber))
      ->capture_default_str();
  app.add_option("--per-host", options.http.max_host_connections, "Simultaneous downloads per host")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(1, 1024)))
      ->capture_default_str();
  app.add_option("--host-delay", host_delay_s, "Seconds between two request starts to one host")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
  app.add_option("--low-speed-limit", options.http.low_speed_bytes,
                 "Abort a download slower than N bytes/s for --low-speed-time seconds")
      ->type_name("N")
      ->check(pix::Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
  app.add_option("--low-speed-time", low_speed_time_s, "Seconds of --low-speed-limit before aborting")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::Range(1, 86400)))
      ->capture_default_str();
  app.add_flag("--no-http2", no_http2, "Use HTTP/1.1 only");
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  if (pix::Status s = network.ApplyTo(&options.http); !s.ok()) {
    return pix::ExitWithError(&terminal, s);
  }
  options.by_label = !flat;
  options.honour_noai = !ignore_noai;
  options.http.http2 = !no_http2;
  options.http.host_delay = std::chrono::milliseconds(static_cast<int64_t>(host_delay_s * 1000));
  options.http.low_speed_time = std::chrono::seconds(low_speed_time_s);

  return pix::RunStage("fetch", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunFetch(options, io); });
}
