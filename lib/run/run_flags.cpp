#include "run/run_flags.h"

#include <chrono>
#include <cstdint>

namespace pix {

void AddRunFlags(ToolCli& cli, RunFlags* f) {
  CommandOptions* o = &f->options;
  CLI::App& app = cli.app();
  app.add_option("command", o->command,
                 "check, run, resume, retry, status, list, logs, cancel, clean or merge")
      ->check(CLI::IsMember({"check", "run", "resume", "retry", "status", "list", "logs", "cancel",
                             "clean", "merge"}));
  app.add_option("args", o->args, "dataset.yaml (check, run), OUT SHARD_DIR... (merge) or JOB");
  cli.AddQuiet(&f->quiet);
  cli.AddConfig(&o->config_path)->description("Find the job store through this dataset.yaml");
  app.add_option("--store", o->store_path, "The job store (default: DIR/.pix-run/jobs.sqlite)")
      ->type_name("FILE");
  app.add_option("-o,--output", o->output_dir, "Dataset directory (overrides output.dir)")
      ->type_name("DIR");
  app.add_option("--shard", o->shard, "run: only the URLs of shard K of N (K from 1)")
      ->type_name("K/N");
  app.add_option("--tools-dir", o->tools_dir,
                 "Where pix-keywords, pix-search, ... are (default: pix-run's own directory, "
                 "or $PIX_RUN_TOOLS_DIR)")
      ->type_name("DIR");
  app.add_option("--metrics", o->run.metrics_path,
                 "run, resume, retry: write Prometheus metrics to FILE during and after the run")
      ->type_name("FILE");
  app.add_option("--metrics-interval", f->metrics_interval_s, "Seconds between --metrics updates")
      ->type_name("SECONDS")
      ->check(Quiet(CLI::Range(0.1, 86400.0)))
      ->capture_default_str();
  app.add_flag("--json", o->json, "status, list, logs, run: JSON output on stdout");
  app.add_option("--html", o->html_path, "status: write a self-contained HTML page to FILE")
      ->type_name("FILE");
  app.add_option("--stage", o->stage, "logs, retry: only this stage")->type_name("STAGE");
  app.add_option("--level", o->level, "logs: only events at this level or above")
      ->check(CLI::IsMember({"info", "warning", "error"}));
  app.add_flag("--failed", o->failed, "retry: run the failed records again");
  app.add_option("--code", o->codes, "retry --failed: only records failed with these codes")
      ->type_name("CODE,...")
      ->delimiter(',');
}

Result<CommandOptions> ResolveRunOptions(const RunFlags& f, const EnvLookup& env,
                                         const std::string& own_dir) {
  CommandOptions o = f.options;
  if (o.command.empty()) {
    return Status::InvalidArgument("a command is required (check, run, status, ...)");
  }
  if (o.tools_dir.empty()) o.tools_dir = env("PIX_RUN_TOOLS_DIR");
  if (o.tools_dir.empty()) o.tools_dir = own_dir;
  o.run.source_date_epoch = env("SOURCE_DATE_EPOCH");
  o.run.metrics_interval =
      std::chrono::milliseconds(static_cast<int64_t>(f.metrics_interval_s * 1000));
  return o;
}

}  // namespace pix
