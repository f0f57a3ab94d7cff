#include "label/label_flags.h"

#include <algorithm>

#include "base/version.h"
#include "config/dataset_config.h"
#include "label/onnx_model.h"

namespace pix {
namespace {

void AddModelFlags(CLI::App& app, const std::string& prefix, std::string* path,
                   OnnxInputOptions* in, LabelFlags::ModelInput* f, const std::string& what) {
  app.add_option("--" + prefix + "-model", *path, what)->type_name("FILE");
  app.add_option("--" + prefix + "-size", f->size, "Side of the square picture the model takes")
      ->type_name("N")
      ->check(Quiet(CLI::Range(8, 4096)))
      ->capture_default_str();
  app.add_option("--" + prefix + "-mean", f->mean, "Per-channel mean subtracted from 0..1 RGB")
      ->type_name("R,G,B")
      ->capture_default_str();
  app.add_option("--" + prefix + "-std", f->std, "Per-channel standard deviation divided by")
      ->type_name("R,G,B")
      ->capture_default_str();
  app.add_option("--" + prefix + "-output", in->output,
                 "The model output to read (default: its last)")
      ->type_name("NAME");
}

Status InputOf(const LabelFlags::ModelInput& f, const char* prefix, OnnxInputOptions* in) {
  in->width = in->height = f.size;
  Status s = ParseTriple(f.mean, in->mean);
  if (s.ok()) s = ParseTriple(f.std, in->std);
  if (!s.ok())
    return Status::InvalidArgument(std::string("--") + prefix + "-mean/-std: " + s.message());
  for (double d : in->std) {
    if (d == 0)
      return Status::InvalidArgument(std::string("--") + prefix + "-std: 0 divides by zero");
  }
  return s;
}

Result<std::unique_ptr<LabelSetup>> Resolve(const LabelFlags& f, const EnvLookup& env);

}  // namespace

Result<std::unique_ptr<LabelSetup>> ResolveLabelOptions(const LabelFlags& f, const EnvLookup& env) {
  auto setup = Resolve(f, env);
  // An ONNX backend in a build without OpenCV DNN is a usage error (exit 2),
  // like a bad flag: the command line asks for what this build cannot do.
  if (!setup.ok() && setup.status().code() == StatusCode::kUnsupported) {
    return Status::InvalidArgument(setup.status().message());
  }
  return setup;
}

void AddLabelFlags(ToolCli& cli, LabelFlags* f) {
  CLI::App& app = cli.app();
  LabelOptions* o = &f->options;
  app.add_option("-b,--backend", f->backends, "Backends in order, later ones refining earlier ones")
      ->type_name("NAME,...")
      ->delimiter(',')
      ->check(CLI::IsMember({"evidence", "vlm", "consensus", "classifier"}))
      ->capture_default_str();
  app.add_option("--labels", o->labels,
                 "A closed label set; records with other labels pass through")
      ->type_name("LABEL,...")
      ->delimiter(',');
  app.add_option("--review-below", o->review_below,
                 "needs_review when the confidence is below X and another label is in sight")
      ->type_name("X")
      ->check(Quiet(CLI::Range(0.0, 1.0)))
      ->capture_default_str();
  app.add_option("--review-weak-below", o->review_weak_below,
                 "needs_review when the confidence is below X, even with no other label in sight")
      ->type_name("X")
      ->check(Quiet(CLI::Range(0.0, 1.0)))
      ->capture_default_str();
  app.add_option("--drop-below", o->drop_below,
                 "Drop records whose confidence is below X (0: keep all)")
      ->type_name("X")
      ->check(Quiet(CLI::Range(0.0, 1.0)))
      ->capture_default_str();
  app.add_option("--rejects", o->rejects_path, "Write records --drop-below drops to FILE")
      ->type_name("FILE");
  app.add_flag("--relabel", o->relabel,
               "Let a backend move an image to the label it supports better");
  app.add_option("--relabel-margin", o->relabel_margin,
                 "How much more confident the other label must be to move an image")
      ->type_name("X")
      ->check(Quiet(CLI::Range(0.0, 1.0)))
      ->capture_default_str();
  app.add_flag("--strict", o->strict,
               "Fail records without a label (missing_label) or outside --labels (unknown_label)");
  app.add_option("--report", o->report_path, "Write the per-label summary to FILE as JSON")
      ->type_name("FILE");
  app.add_option("--refine-weight", o->refine_weight,
                 "Share of the confidence a later backend's verdict takes")
      ->type_name("X")
      ->check(Quiet(CLI::Range(0.0, 1.0)))
      ->capture_default_str();
  app.add_option("--wordnet-dir", f->wordnet_dir, "WordNet 3.0 database for label synonyms")
      ->type_name("DIR")
      ->capture_default_str()
      ->each([f](const std::string&) { f->wordnet_dir_given = true; });
  app.add_flag("--no-wordnet", f->no_wordnet,
               "Match only the labels and their queries, no WordNet synonyms");
  app.add_option("--base-dir", o->base_dir, "Resolve relative image paths against DIR")
      ->type_name("DIR");
  app.add_option("--temp-dir", f->temp_dir,
                 "Directory for the records held back while reading (default: $TMPDIR)")
      ->type_name("DIR");

  // vlm
  cli.AddConcurrency(&f->vlm.concurrency, "Requests to the vision model in flight at once (vlm)");
  app.add_option("--max-requests", f->vlm.max_requests,
                 "Send at most N requests to the vision model; cached answers are free (0: no cap)")
      ->type_name("N")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->capture_default_str();
  // consensus, classifier
  AddModelFlags(
      app, "embed", &f->consensus.model, &f->consensus.input, &f->embed_input,
      "consensus: ONNX image-embedding model (CLIP image tower, DINOv2, headless ResNet)");
  app.add_option("--neighbours", f->consensus.neighbours, "consensus: nearest neighbours that vote")
      ->type_name("K")
      ->check(Quiet(CLI::Range(1, 1000)))
      ->capture_default_str();
  app.add_option("--max-references", f->consensus.max_references,
                 "consensus: reference images kept in memory (every n-th image beyond)")
      ->type_name("N")
      ->check(Quiet(CLI::Range(2, 10000000)))
      ->capture_default_str();
  AddModelFlags(app, "classifier", &f->classifier.model, &f->classifier.input, &f->classifier_input,
                "classifier: ONNX image classifier over WordNet classes (ImageNet)");
  app.add_option("--classifier-classes", f->classifier.classes,
                 "classifier: the model's classes in order, one WordNet id a line (n02084071 dog)")
      ->type_name("FILE");
  app.set_version_flag("-V,--version",
                       cli.name() + " (PixCrawler) " + kVersion + "\n" + OnnxBuildInfo(),
                       "Print the version and exit");
  cli.AddConfig(&f->config_path);
  AddLlmFlags(cli, &f->llm);
  AddNetworkFlags(cli, &f->network, f->vlm.http);
  if (CLI::Option* timeout = app.get_option_no_throw("--timeout")) {
    timeout->each([f](const std::string&) { f->timeout_given = true; });
  }
}

namespace {

Result<std::unique_ptr<LabelSetup>> Resolve(const LabelFlags& f, const EnvLookup& env) {
  auto setup = std::make_unique<LabelSetup>();
  setup->options = f.options;
  LabelOptions* o = &setup->options;
  o->temp_dir = !f.temp_dir.empty() ? f.temp_dir : !env("TMPDIR").empty() ? env("TMPDIR") : "/tmp";
  const std::vector<std::string>& backends = f.backends;
  o->evidence = !backends.empty() && backends.front() == "evidence";
  for (size_t i = 0; i < backends.size(); ++i) {
    if (i > 0 && backends[i] == "evidence") {
      return Status::InvalidArgument(
          "--backend: evidence reads only the records and must come first");
    }
    if (std::find(backends.begin(), backends.begin() + static_cast<std::ptrdiff_t>(i),
                  backends[i]) != backends.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Status::InvalidArgument("--backend: " + backends[i] + " is listed twice");
    }
  }
  if (!o->rejects_path.empty() && o->drop_below <= 0)
    return Status::InvalidArgument("--rejects needs --drop-below");

  const bool classifier =
      std::find(backends.begin(), backends.end(), "classifier") != backends.end();
  if ((o->evidence && !f.no_wordnet) || classifier) {
    auto opened = WordNet::Open(f.wordnet_dir);
    if (opened.ok()) {
      setup->wordnet = std::move(opened).value();
      if (!f.no_wordnet) o->wordnet = setup->wordnet.get();
    } else if (f.wordnet_dir_given || classifier) {
      return Status::InvalidArgument(opened.status().message());
    } else {
      setup->warnings.push_back(opened.status().message() +
                                "; labels are matched without synonyms");
    }
  }
  for (size_t i = o->evidence ? 1 : 0; i < backends.size(); ++i) {
    const std::string& b = backends[i];
    if (b == "vlm") {
      VlmOptions vlm = f.vlm;
      if (!f.config_path.empty()) {
        auto loaded = LoadDatasetConfig(f.config_path);
        if (!loaded.ok()) return Status::InvalidArgument(loaded.status().message());
        vlm.llm = loaded->llm;
      }
      PIX_RETURN_IF_ERROR(f.llm.ApplyTo(&vlm.llm, true, env));
      PIX_RETURN_IF_ERROR(f.network.ApplyTo(&vlm.http));
      if (vlm.llm.endpoint.model.empty())
        return Status::InvalidArgument("--backend vlm needs --llm-model");
      if (f.timeout_given) vlm.llm.endpoint.timeout = vlm.http.timeout;
      setup->backends.push_back(std::make_unique<VlmBackend>(std::move(vlm)));
    } else if (b == "consensus") {
      ConsensusOptions c = f.consensus;
      PIX_RETURN_IF_ERROR(InputOf(f.embed_input, "embed", &c.input));
      PIX_ASSIGN_OR_RETURN(auto made, ConsensusBackend::Create(std::move(c)));
      setup->backends.push_back(std::move(made));
    } else if (b == "classifier") {
      ClassifierOptions c = f.classifier;
      PIX_RETURN_IF_ERROR(InputOf(f.classifier_input, "classifier", &c.input));
      PIX_ASSIGN_OR_RETURN(auto made,
                           ClassifierBackend::Create(std::move(c), setup->wordnet.get()));
      setup->backends.push_back(std::move(made));
    }
    o->backends.push_back(setup->backends.back().get());
  }
  return setup;
}

}  // namespace

}  // namespace pix
