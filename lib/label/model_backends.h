// pix-label's two backends over ONNX image models (onnx_model.h), both
// offline and both optional at build time.
//
// ConsensusBackend (`consensus`): an image-embedding model (a CLIP image
// tower, DINOv2, a ResNet without its head) turns each picture into a
// vector; most images a search returns for a label are right, so an image
// whose nearest neighbours carry another label is probably mislabelled (the
// confident-learning idea behind cleanlab, with no training). Each image
// gets the cosine-similarity-weighted vote of its k nearest reference
// images (itself excluded): the verdict is the label with the largest share,
// and the image's own label's share is the probability the blend uses.
// Memory: the reference embeddings only, at most max_references x D floats
// (5,000 x 768 x 4 bytes = 15 MB); other images are embedded, compared and
// forgotten one at a time, so a million images never sit in memory. With
// more images than max_references the references are every n-th image
// (stratification by input order); time is images x references x D.
//
// ClassifierBackend (`classifier`): an ImageNet-style classifier whose
// classes are WordNet noun synsets (a file with one "n02084071 dog, ..." line
// per class, in the model's order). A label maps to every class under its
// WordNet synset (its hyponyms), so one standard model checks any noun label:
// the confidence is the probability mass under the label's synset. Outputs
// that are not probabilities (a negative value, or a sum off 1 by more than
// 1%) go through softmax first. The verdict is the candidate label with the
// most mass; when the mass outside every candidate is larger, "none".
//
// Thread-safety: Run() from one thread. Failure modes: Create() errors name
// the option (missing model, wrong output size, unknown synsets, a label
// WordNet does not know is only a warning count); per-image error codes
// image_* and decode_error, model_error.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "label/label_backend.h"
#include "label/onnx_model.h"
#include "text/wordnet.h"

namespace pix {

struct ConsensusOptions {
  std::string model;  // --embed-model
  OnnxInputOptions input;
  int neighbours = 10;           // k
  size_t max_references = 5000;  // reference images kept in memory
  int image_long_side = 512;     // decode size before the model's resize
};

class ConsensusBackend : public ImageLabelBackend {
 public:
  static Result<std::unique_ptr<ConsensusBackend>> Create(ConsensusOptions options);
  const char* name() const override { return "consensus"; }
  Status Run(const std::vector<LabelItem>& items, const std::vector<std::string>& labels,
             std::vector<LabelVerdict>* out) override;
  std::string Summary() const override;

 private:
  explicit ConsensusBackend(ConsensusOptions o) : options_(std::move(o)) {}
  Result<std::vector<float>> Embed(const LabelItem& item, std::string* error_code);

  ConsensusOptions options_;
  std::unique_ptr<OnnxModel> model_;
  uint64_t embedded_ = 0, references_ = 0;
  std::map<std::string, uint64_t> failures_;
};

struct ClassifierOptions {
  std::string model;    // --classifier-model
  std::string classes;  // --classifier-classes
  OnnxInputOptions input;
  int image_long_side = 512;
};

class ClassifierBackend : public ImageLabelBackend {
 public:
  // REQUIRES: wordnet outlives the backend.
  static Result<std::unique_ptr<ClassifierBackend>> Create(ClassifierOptions options,
                                                           const WordNet* wordnet);
  const char* name() const override { return "classifier"; }
  Status Run(const std::vector<LabelItem>& items, const std::vector<std::string>& labels,
             std::vector<LabelVerdict>* out) override;
  std::string Summary() const override;

 private:
  ClassifierBackend(ClassifierOptions o, const WordNet* wn)
      : options_(std::move(o)), wordnet_(wn) {}

  ClassifierOptions options_;
  const WordNet* wordnet_;
  std::unique_ptr<OnnxModel> model_;
  std::vector<uint32_t> class_synsets_;  // data.noun offsets, model order
  uint64_t classified_ = 0, labels_without_synset_ = 0;
  std::map<std::string, uint64_t> failures_;
};

// Reads a classes file: one class per line, the first token "n" + 8 digits
// (an ImageNet WordNet id); blank lines and '#' comments skipped.
Result<std::vector<uint32_t>> ReadSynsetClasses(const std::string& path);

// Softmax in place when `v` is not already a probability vector (see above).
void NormaliseProbabilities(std::vector<float>* v);

}  // namespace pix
