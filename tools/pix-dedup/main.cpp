// pix-dedup: removes exact and near-duplicate images from a record stream,
// within one run and, with --index, across runs.
#include <malloc.h>

#include "base/cli.h"
#include "base/env.h"
#include "base/terminal.h"
#include "dedup/dedup.h"
#include "dedup/dedup_flags.h"
#include "jsonl/stage_flags.h"
#include "jsonl/stage_io.h"

int main(int argc, char** argv) {
  // Near mode allocates and frees arrays of tens of megabytes (keys, strip
  // hashes, pair lists). glibc raises its mmap threshold to the size of the
  // largest block freed, so later ones come from the heap and stay resident
  // after they are freed; a fixed threshold returns them to the system:
  // the peak for a million records fell from 196 to 178 MB, at the same speed.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  pix::ToolCli cli("pix-dedup", "Remove exact and near-duplicate images (sha256, pixels, pHash)");
  pix::CommonOptions common;
  pix::DedupFlags flags;
  pix::AddCommonFlags(&cli, &common);
  pix::AddDedupFlags(cli, &flags);
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  auto options = pix::ResolveDedupOptions(flags, pix::ProcessEnv);
  if (!options.ok()) return pix::ExitWithError(&terminal, options.status());
  return pix::RunStage("dedup", common, &terminal,
                       [&](pix::StageIo& io) { return pix::RunDedup(*options, io); });
}
