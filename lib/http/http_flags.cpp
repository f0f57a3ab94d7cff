#include "http/http_flags.h"

namespace pix {
namespace {

std::chrono::milliseconds Ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

double Seconds(std::chrono::milliseconds ms) { return static_cast<double>(ms.count()) / 1000; }

}  // namespace

void AddNetworkFlags(ToolCli& cli, NetworkFlags* f, const HttpOptions& d) {
  CLI::App& app = cli.app();
  f->user_agent = d.user_agent;
  f->allow_private = d.allow_private;
  f->proxy = d.proxy;
  f->proxy_from_env = d.use_proxy_env;
  f->connect_timeout_s = Seconds(d.connect_timeout);
  f->response_timeout_s = Seconds(d.response_timeout);
  f->timeout_s = Seconds(d.timeout);
  f->retries = d.retry.max_retries;
  f->max_retry_wait_s = Seconds(d.retry.max_retry_after);
  app.add_option("--user-agent", f->user_agent, "User-Agent header to send")->type_name("TEXT");
  app.add_flag("--allow-private", f->allow_private,
               "Allow connections to loopback, private, link-local and other non-public addresses");
  app.add_option("--allow-net", f->allow_nets,
                 "Allow connections to this network (CIDR, e.g. 10.1.0.0/16); repeatable")
      ->type_name("CIDR");
  app.add_option("--proxy", f->proxy, "Send requests through this proxy URL")->type_name("URL");
  app.add_flag("--proxy-from-env", f->proxy_from_env,
               "Honour http_proxy, https_proxy and no_proxy from the environment");
  app.add_option("--connect-timeout", f->connect_timeout_s, "Seconds allowed to connect")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::PositiveNumber))
      ->capture_default_str();
  app.add_option("--response-timeout", f->response_timeout_s,
                 "Seconds allowed from connecting to the response headers")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::PositiveNumber))
      ->capture_default_str();
  app.add_option("--timeout", f->timeout_s, "Seconds allowed for one whole request")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::PositiveNumber))
      ->capture_default_str();
  app.add_option("--retries", f->retries,
                 "Retries after connection failures and HTTP 408, 429, 500, 502, 503, 504")
      ->type_name("N")
      ->check(Quiet(CLI::Range(0, 100)))
      ->capture_default_str();
  app.add_option("--max-retry-wait", f->max_retry_wait_s,
                 "Longest Retry-After to obey, in seconds (longer ones are cut to this)")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
}

Status NetworkFlags::ApplyTo(HttpOptions* o) const {
  o->user_agent = user_agent;
  o->allow_private = allow_private;
  o->allow_nets.clear();
  for (const std::string& net : allow_nets) {
    auto cidr = ParseCidr(net);
    if (!cidr.ok()) return Status::InvalidArgument("--allow-net: " + cidr.status().message());
    o->allow_nets.push_back(*cidr);
  }
  o->proxy = proxy;
  o->use_proxy_env = proxy_from_env;
  o->connect_timeout = Ms(connect_timeout_s);
  o->response_timeout = Ms(response_timeout_s);
  o->timeout = Ms(timeout_s);
  o->retry.max_retries = retries;
  o->retry.max_retry_after = Ms(max_retry_wait_s);
  return Status::Ok();
}

}  // namespace pix
