// pix-pack's subcommands, `pix-pack verify` and `pix-pack tier`, as library
// functions so the tool's main() is only the dispatch between them and the
// packing stage, and so their exit codes are testable without a process.
// What the user asked for (verify's list of problems) goes to `out`; messages
// (errors, the summary) go through `terminal`.
//
// Thread-safety: call from one thread (the Terminal is not thread-safe).
// Failure modes: none thrown; each returns the tool's exit code (man/pix.7):
// verify 0 intact, 1 a missing/altered/extra file or no MANIFEST; tier 0
// moved, 1 a move whose new archive failed its check, 2 a malformed
// --older-than; otherwise the code of the error (3 for I/O).
#pragma once

#include <ctime>
#include <ostream>

#include "base/terminal.h"
#include "pack/pack_flags.h"

namespace pix {

// Checks flags.target (a dataset folder or archive) against its MANIFEST and
// writes "missing|altered|extra<TAB>PATH" lines to `out`.
int RunPackVerify(const VerifyFlags& flags, std::ostream& out, Terminal* terminal);

// Moves flags.target down to tier flags.to; with flags.older_than, every
// dataset in the folder flags.target last modified before `now` minus that age.
int RunPackTier(TierFlags flags, time_t now, Terminal* terminal);

}  // namespace pix
