#include "jsonl/stage_flags.h"

namespace pix {

void AddCommonFlags(ToolCli* cli, CommonOptions* o) {
  CLI::App& app = cli->app();
  app.add_option("-i,--input", o->input, "Read records from FILE (- for stdin)")
      ->type_name("FILE")
      ->capture_default_str();
  app.add_option("-o,--output", o->output,
                 "Write records to FILE, atomically on success (- for stdout)")
      ->type_name("FILE")
      ->capture_default_str();
  cli->AddQuiet(&o->quiet);
  app.add_flag("--line-buffered", o->line_buffered,
               "Flush after every record (default: only on a terminal)");
  app.add_flag("--skip-invalid", o->skip_invalid,
               "Skip malformed input lines, count them, and go on");
  app.add_option("--max-line-bytes", o->max_line_bytes, "Reject input lines longer than N bytes")
      ->type_name("N")
      ->check(Quiet(CLI::Range(size_t{2}, size_t{1} << 30)))
      ->capture_default_str();
  app.add_option("--stats", o->stats_path,
                 "Write the run's counters to FILE as JSON when it ends (see pix(7))")
      ->type_name("FILE");
}

}  // namespace pix
