// pix-run: builds a dataset from one dataset.yaml by running the pix-* tools
// as a pipeline, with every record and event in an SQLite job store, so a
// run can be stopped at any moment and resumed.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <iostream>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "run/commands.h"

namespace {

// The directory of this executable, where the stage tools are installed too.
std::string OwnDir(const char* argv0) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string(argv0);
  const size_t slash = self.rfind('/');
  return slash == std::string::npos ? "." : self.substr(0, slash);
}

}  // namespace

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-run",
                   "Build a dataset from dataset.yaml: run the stages as a resumable pipeline");
  pix::CommandOptions o;
  bool quiet = false;
  double metrics_interval = 5;
  CLI::App& app = cli.app();
  app.add_option("command", o.command,
                 "check, run, resume, retry, status, list, logs, cancel, clean or merge")
      ->check(CLI::IsMember({"check", "run", "resume", "retry", "status", "list", "logs", "cancel",
                             "clean", "merge"}));
  app.add_option("args", o.args, "dataset.yaml (check, run), OUT SHARD_DIR... (merge) or JOB");
  cli.AddQuiet(&quiet);
  cli.AddConfig(&o.config_path)->description("Find the job store through this dataset.yaml");
  app.add_option("--store", o.store_path, "The job store (default: DIR/.pix-run/jobs.sqlite)")
      ->type_name("FILE");
  app.add_option("-o,--output", o.output_dir, "Dataset directory (overrides output.dir)")
      ->type_name("DIR");
  app.add_option("--shard", o.shard, "run: only the URLs of shard K of N (K from 1)")
      ->type_name("K/N");
  app.add_option("--tools-dir", o.tools_dir,
                 "Where pix-keywords, pix-search, ... are (default: pix-run's own directory, "
                 "or $PIX_RUN_TOOLS_DIR)")
      ->type_name("DIR");
  app.add_option("--metrics", o.run.metrics_path,
                 "run, resume, retry: write Prometheus metrics to FILE during and after the run")
      ->type_name("FILE");
  app.add_option("--metrics-interval", metrics_interval, "Seconds between --metrics updates")
      ->type_name("SECONDS")
      ->check(pix::Quiet(CLI::Range(0.1, 86400.0)))
      ->capture_default_str();
  app.add_flag("--json", o.json, "status, list, logs, run: JSON output on stdout");
  app.add_option("--html", o.html_path, "status: write a self-contained HTML page to FILE")
      ->type_name("FILE");
  app.add_option("--stage", o.stage, "logs, retry: only this stage")->type_name("STAGE");
  app.add_option("--level", o.level, "logs: only events at this level or above")
      ->check(CLI::IsMember({"info", "warning", "error"}));
  app.add_flag("--failed", o.failed, "retry: run the failed records again");
  app.add_option("--code", o.codes, "retry --failed: only records failed with these codes")
      ->type_name("CODE,...")
      ->delimiter(',');
  if (auto code = cli.Parse(argc, argv)) return *code;
  // Checked here, not by the parser, so that --generate works without one.
  if (o.command.empty()) {
    std::fprintf(stderr, "pix-run: error: a command is required (check, run, status, ...)\n"
                         "Run 'pix-run --help' for usage.\n");
    return pix::kExitUsage;
  }

  if (o.tools_dir.empty()) o.tools_dir = pix::GetEnv("PIX_RUN_TOOLS_DIR");
  o.run.source_date_epoch = pix::GetEnv("SOURCE_DATE_EPOCH");
  if (o.tools_dir.empty()) o.tools_dir = OwnDir(argv[0]);
  o.run.metrics_interval = std::chrono::milliseconds(static_cast<int64_t>(metrics_interval * 1000));

  pix::Terminal terminal(cli.name(), quiet);
  pix::CommandOutput out;
  out.out = [](const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); };
  out.observer.progress = [&](const std::string& line) { terminal.Progress(line); };
  out.observer.message = [&](const std::string& level, const std::string& message) {
    if (level == "error") {
      terminal.Error(message);
    } else if (level == "warning") {
      terminal.Warning(message);
    } else if (level == "summary") {
      terminal.ClearProgress();
      if (!quiet) std::fputs(message.c_str(), stderr);
    } else {
      terminal.Info(message);
    }
  };
  pix::InstallSignalHandlers();
  const int code = pix::RunCommand(o, out);
  terminal.ClearProgress();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return code == 0 ? pix::kExitFatal : code;
  return code;
}
