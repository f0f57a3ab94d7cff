// Documentation generated from a tool's CLI11 flag definitions, so that the
// man page OPTIONS section and the shell completions cannot drift from the
// binary. Kinds: "man" (roff for the OPTIONS section), "bash", "zsh", "fish".
// scripts/gen-docs writes the outputs into man/ and completions/; the test
// tests/e2e/test_docs.py fails when the committed files differ.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pix {

// A subcommand ("pix-pack verify"): its name as typed after the tool's, and
// its own flags. Its docs follow the tool's (a .SS section in the man page;
// in the completions, its flags after its name).
struct SubcommandDocs {
  std::string name;
  const CLI::App* app;
};

std::string GenerateDocs(const CLI::App& app, const std::string& kind,
                         const std::vector<SubcommandDocs>& subcommands = {});

}  // namespace pix
