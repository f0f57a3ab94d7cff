// pix-serve: serves a directory of packed datasets to holders of signed,
// expiring links (alone or as the origin behind an nginx cache), makes such
// links, and presigns S3 URLs. See man pix-serve.
#include <cstdio>
#include <string_view>

#include "base/cli.h"
#include "base/env.h"
#include "base/terminal.h"
#include "serve/serve_commands.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-serve", "Serve datasets through signed, expiring, resumable links");
  pix::ServeFlags flags;
  pix::AddServeFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), flags.quiet);
  // Flushed line by line: the access log is read as it grows (tail -f, a pipe).
  const pix::TextOut out = [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  };
  return pix::RunServeCommand(flags, pix::ProcessEnv, out, &terminal);
}
