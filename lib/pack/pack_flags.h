// pix-pack's command line: the flags of `pix-pack` and of its `tier`
// subcommand, defined once here so tools/pix-pack/main.cpp stays a few
// lines (flags -> ResolvePackOptions -> RunPack), and the resolution of the
// flags into PackOptions.
//
// pix-pack is a sink: -o names the dataset folder, not a record file, so it
// takes the record-stream flags of jsonl/stage_flags.h (-i, -q,
// --skip-invalid, --max-line-bytes, --line-buffered, --stats) except -o;
// --records FILE is where the records go when asked for.
//
// Failure modes: ResolvePackOptions returns kInvalidArgument for flags that
// exclude each other or a bad --resize; the tool exits 2 on it.
// Thread-safety: plain functions.
#pragma once

#include <cstddef>
#include <string>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "jsonl/stage_flags.h"
#include "pack/packer.h"

namespace pix {

// The flags whose values need resolving into PackOptions.
struct PackFlags {
  bool copy = false;
  bool reflink = false;
  std::string tier;
  std::string resize;
  std::string resize_mode;
  std::string format;
  int quality = 90;
  bool webdataset = false;
  size_t shard_size = 1000;
  bool no_report = false;
};

// Adds every flag of `pix-pack` (the record-stream ones into `common`,
// --records as common->output).
void AddPackFlags(ToolCli* cli, CommonOptions* common, PackFlags* flags, PackOptions* options);

// `pix-pack verify TARGET`.
struct VerifyFlags {
  std::string target;
  bool quiet = false;
};
void AddVerifyFlags(ToolCli* cli, VerifyFlags* flags);

// `pix-pack tier TARGET --to TIER [--older-than AGE]`.
struct TierFlags {
  std::string target;
  std::string to;
  std::string older_than;
  bool quiet = false;
  ArchiveOptions archive;
};
void AddTierFlags(ToolCli* cli, TierFlags* flags);

// --level and -c/--concurrency, shared by `pix-pack` and `pix-pack tier`.
void AddArchiveFlags(ToolCli* cli, ArchiveOptions* archive, const std::string& threads_help);

// Fills in what the flags leave to be decided: threads (0: one per CPU), the
// time written as `added` ($SOURCE_DATE_EPOCH when set, the reproducible-
// builds convention, so the same records give byte-identical label files;
// else `now`).
void ResolveArchiveOptions(ArchiveOptions* archive);
Result<PackOptions> ResolvePackOptions(const PackFlags& flags, PackOptions options,
                                       const EnvLookup& env, time_t now);

// `t` as RFC 3339 UTC ("2026-12-02T08:00:00Z").
std::string Rfc3339Utc(time_t t);

}  // namespace pix
