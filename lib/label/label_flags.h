// pix-label's own command-line flags and the setup they ask for: which
// backends, in which order, with which models and endpoint, and WordNet.
// Kept in the library so the tool's main() stays flags ->
// ResolveLabelOptions() -> RunLabel(), and so the setup's checks (backend
// order, model files, output sizes, API keys) are testable without a process.
//
// Thread-safety: values; ResolveLabelOptions() is called once. Failure modes:
// kInvalidArgument naming the flag to fix (exit status 2; also for an ONNX
// backend in a build without OpenCV DNN), other codes for I/O errors while
// loading.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/cli.h"
#include "http/http_flags.h"
#include "label/label_stage.h"
#include "label/model_backends.h"
#include "label/vlm_backend.h"
#include "llm/llm_flags.h"
#include "text/wordnet.h"

namespace pix {

struct LabelFlags {
  // The run's options the flags set directly (--labels, --review-below, ...).
  LabelOptions options;
  std::string temp_dir;  // --temp-dir; empty: $TMPDIR, else /tmp
  std::vector<std::string> backends = {"evidence"};
  std::string wordnet_dir = kDefaultWordNetDir;
  bool wordnet_dir_given = false;  // set while parsing: --wordnet-dir was on the command line
  bool no_wordnet = false;
  std::string config_path;
  VlmOptions vlm;
  LlmFlags llm;
  NetworkFlags network;
  bool timeout_given = false;  // set while parsing: --timeout bounds the model's requests too
  ConsensusOptions consensus;
  ClassifierOptions classifier;
  struct ModelInput {
    int size = 224;
    std::string mean = "0.485,0.456,0.406";
    std::string std = "0.229,0.224,0.225";
  };
  ModelInput embed_input, classifier_input;
};

// Adds pix-label's flags (besides the shared -i/-o/...) to `cli`, writing
// into `flags`.
void AddLabelFlags(ToolCli& cli, LabelFlags* flags);

// A run's options and what they point into (WordNet, the backends).
struct LabelSetup {
  LabelOptions options;
  std::unique_ptr<WordNet> wordnet;
  std::vector<std::unique_ptr<ImageLabelBackend>> backends;
  std::vector<std::string> warnings;  // for the tool to print
};

// Checks the backend list, opens WordNet, loads the models and builds the
// backends. `env` reads API keys, $TMPDIR and the cache directory's default.
Result<std::unique_ptr<LabelSetup>> ResolveLabelOptions(const LabelFlags& flags,
                                                        const EnvLookup& env);

}  // namespace pix
