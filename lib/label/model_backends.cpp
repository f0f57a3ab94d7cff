#include "label/model_backends.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "base/signals.h"
#include "label/label_image.h"

namespace pix {
namespace {

void Normalise(std::vector<float>* v) {
  double norm = 0;
  for (float x : *v) norm += static_cast<double>(x) * x;
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (float& x : *v) x = static_cast<float>(x / norm);
  }
}

float Dot(const float* a, const float* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

std::string FailureText(const std::map<std::string, uint64_t>& failures) {
  uint64_t n = 0;
  std::vector<std::string> parts;
  for (const auto& [code, count] : failures) {
    n += count;
    parts.push_back(fmt::format("{}: {}", code, count));
  }
  std::string s = fmt::format("{} failed", n);
  if (!parts.empty()) s += fmt::format(" ({})", fmt::join(parts, ", "));
  return s;
}

}  // namespace

// ---- consensus --------------------------------------------------------------

Result<std::unique_ptr<ConsensusBackend>> ConsensusBackend::Create(ConsensusOptions options) {
  if (options.model.empty())
    return Status::InvalidArgument("--backend consensus needs --embed-model FILE");
  std::unique_ptr<ConsensusBackend> b(new ConsensusBackend(std::move(options)));
  PIX_ASSIGN_OR_RETURN(b->model_,
                       OnnxModel::Load(b->options_.model, b->options_.input, "--embed-model"));
  return b;
}

Result<std::vector<float>> ConsensusBackend::Embed(const LabelItem& item, std::string* error_code) {
  auto picture = LoadLabelImage(item.path, options_.image_long_side, item.orientation);
  if (!picture.ok()) {
    *error_code = LoadErrorCode(picture.status());
    return picture.status();
  }
  auto v = model_->Run(picture->view());
  if (!v.ok()) {
    *error_code = "model_error";
    return v.status();
  }
  Normalise(&*v);
  ++embedded_;
  return v;
}

Status ConsensusBackend::Run(const std::vector<LabelItem>& items,
                             const std::vector<std::string>& labels,
                             std::vector<LabelVerdict>* out) {
  out->assign(items.size(), LabelVerdict());
  const size_t dim = model_->output_size();
  const size_t n = items.size();
  const size_t stride =
      std::max<size_t>(1, (n + options_.max_references - 1) / options_.max_references);
  // The references: every stride-th image that could be embedded.
  std::vector<float> refs;
  std::vector<uint32_t> ref_label, ref_item;
  std::string code;
  for (size_t i = 0; i < n; i += stride) {
    if (InterruptRequested()) return Status::Interrupted();
    auto v = Embed(items[i], &code);
    if (!v.ok()) {
      (*out)[i].error_code = code;
      ++failures_[code];
      continue;
    }
    refs.insert(refs.end(), v->begin(), v->end());
    ref_label.push_back(items[i].label);
    ref_item.push_back(static_cast<uint32_t>(i));
  }
  references_ = ref_item.size();
  const size_t k = static_cast<size_t>(std::max(1, options_.neighbours));
  std::vector<std::pair<float, uint32_t>> sims;
  std::vector<double> votes(labels.size());
  size_t next_ref = 0;
  for (size_t i = 0; i < n; ++i) {
    if (InterruptRequested()) return Status::Interrupted();
    LabelVerdict& verdict = (*out)[i];
    std::vector<float> own;
    const float* e = nullptr;
    int64_t self = -1;
    if (next_ref < ref_item.size() && ref_item[next_ref] == i) {
      e = refs.data() + next_ref * dim;
      self = static_cast<int64_t>(next_ref++);
    } else if (!verdict.error_code.empty()) {
      continue;  // a reference that failed to load
    } else {
      auto v = Embed(items[i], &code);
      if (!v.ok()) {
        verdict.error_code = code;
        ++failures_[code];
        continue;
      }
      own = std::move(*v);
      e = own.data();
    }
    sims.clear();
    for (size_t r = 0; r < ref_item.size(); ++r) {
      if (static_cast<int64_t>(r) == self) continue;
      sims.emplace_back(Dot(e, refs.data() + r * dim, dim), static_cast<uint32_t>(r));
    }
    if (sims.empty()) {
      verdict.error_code = "no_neighbours";
      continue;
    }
    const size_t kk = std::min(k, sims.size());
    std::partial_sort(sims.begin(), sims.begin() + static_cast<std::ptrdiff_t>(kk), sims.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::fill(votes.begin(), votes.end(), 0.0);
    double total = 0;
    for (size_t j = 0; j < kk; ++j) {
      // Weighted by similarity; a floor keeps orthogonal neighbours counted.
      const double w = std::max(0.0f, sims[j].first) + 1e-3;
      votes[ref_label[sims[j].second]] += w;
      total += w;
    }
    const auto best =
        static_cast<uint32_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    verdict.ok = true;
    verdict.label = best;
    verdict.confidence = votes[best] / total;
    verdict.own_confidence = votes[items[i].label] / total;
    verdict.facts =
        fmt::format("\"neighbours\":{},\"nearest_similarity\":{:.4f}", kk, sims[0].first);
  }
  return Status::Ok();
}

std::string ConsensusBackend::Summary() const {
  return fmt::format("consensus: {} embedded, {} references, {}", embedded_, references_,
                     FailureText(failures_));
}

// ---- classifier -------------------------------------------------------------

Result<std::vector<uint32_t>> ReadSynsetClasses(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return Status::InvalidArgument(
        fmt::format("--classifier-classes {}: cannot open the file", path));
  std::vector<uint32_t> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    const std::string id = line.substr(start, line.find_first_of(" \t\r,", start) - start);
    bool ok = id.size() == 9 && id[0] == 'n' &&
              std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok) {
      return Status::InvalidArgument(
          fmt::format("--classifier-classes {}:{}: '{}' is not a WordNet noun id like n02084071",
                      path, number, id));
    }
    out.push_back(static_cast<uint32_t>(std::stoul(id.substr(1))));
  }
  if (out.empty())
    return Status::InvalidArgument(fmt::format("--classifier-classes {}: no classes", path));
  return out;
}

void NormaliseProbabilities(std::vector<float>* v) {
  double sum = 0;
  bool negative = false;
  for (float x : *v) {
    sum += x;
    negative |= x < 0;
  }
  if (!negative && std::fabs(sum - 1) <= 0.01) return;
  const float top = *std::max_element(v->begin(), v->end());
  double total = 0;
  for (float& x : *v) {
    x = std::exp(x - top);
    total += x;
  }
  for (float& x : *v) x = static_cast<float>(x / total);
}

Result<std::unique_ptr<ClassifierBackend>> ClassifierBackend::Create(ClassifierOptions options,
                                                                     const WordNet* wordnet) {
  if (options.model.empty())
    return Status::InvalidArgument("--backend classifier needs --classifier-model FILE");
  if (options.classes.empty()) {
    return Status::InvalidArgument(
        "--backend classifier needs --classifier-classes FILE (the model's WordNet ids)");
  }
  if (!wordnet)
    return Status::InvalidArgument("--backend classifier needs WordNet (--wordnet-dir)");
  std::unique_ptr<ClassifierBackend> b(new ClassifierBackend(std::move(options), wordnet));
  PIX_ASSIGN_OR_RETURN(b->class_synsets_, ReadSynsetClasses(b->options_.classes));
  for (uint32_t offset : b->class_synsets_) {
    auto synset = wordnet->ReadSynset(offset);
    if (!synset.ok()) {
      return Status::InvalidArgument(
          fmt::format("--classifier-classes {}: n{:08d} is not a WordNet 3.0 noun synset",
                      b->options_.classes, offset));
    }
  }
  PIX_ASSIGN_OR_RETURN(b->model_, OnnxModel::Load(b->options_.model, b->options_.input,
                                                  "--classifier-model", b->class_synsets_.size()));
  return b;
}

Status ClassifierBackend::Run(const std::vector<LabelItem>& items,
                              const std::vector<std::string>& labels,
                              std::vector<LabelVerdict>* out) {
  out->assign(items.size(), LabelVerdict());
  // Which classes lie under each label's synset.
  std::vector<std::vector<uint32_t>> under(labels.size());
  WordNetExpandOptions sense;
  sense.depth = 0;
  for (size_t l = 0; l < labels.size(); ++l) {
    PIX_ASSIGN_OR_RETURN(WordNetExpansion e, wordnet_->Expand(labels[l], sense));
    if (e.terms.empty()) {
      ++labels_without_synset_;
      continue;
    }
    const uint32_t root = e.terms.front().synset;
    for (uint32_t c = 0; c < class_synsets_.size(); ++c) {
      PIX_ASSIGN_OR_RETURN(bool kind, wordnet_->IsKindOf(class_synsets_[c], root));
      if (kind) under[l].push_back(c);
    }
  }
  std::vector<double> mass(labels.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (InterruptRequested()) return Status::Interrupted();
    LabelVerdict& verdict = (*out)[i];
    auto picture = LoadLabelImage(items[i].path, options_.image_long_side, items[i].orientation);
    if (!picture.ok()) {
      verdict.error_code = LoadErrorCode(picture.status());
      ++failures_[verdict.error_code];
      continue;
    }
    auto probs = model_->Run(picture->view());
    if (!probs.ok()) {
      verdict.error_code = "model_error";
      ++failures_[verdict.error_code];
      continue;
    }
    NormaliseProbabilities(&*probs);
    ++classified_;
    std::vector<bool> counted(probs->size(), false);
    double covered = 0;
    for (size_t l = 0; l < labels.size(); ++l) {
      mass[l] = 0;
      for (uint32_t c : under[l]) {
        mass[l] += (*probs)[c];
        if (!counted[c]) {
          counted[c] = true;
          covered += (*probs)[c];
        }
      }
    }
    const auto best =
        static_cast<uint32_t>(std::max_element(mass.begin(), mass.end()) - mass.begin());
    const double outside = std::max(0.0, 1 - covered);
    const auto top =
        static_cast<size_t>(std::max_element(probs->begin(), probs->end()) - probs->begin());
    verdict.ok = true;
    verdict.own_confidence = std::min(1.0, mass[items[i].label]);
    if (outside > mass[best]) {
      verdict.label = kNoLabel;
      verdict.confidence = outside;
    } else {
      verdict.label = best;
      verdict.confidence = std::min(1.0, mass[best]);
    }
    verdict.facts = fmt::format("\"top_class\":\"n{:08d}\",\"top_probability\":{:.4f}",
                                class_synsets_[top], (*probs)[top]);
  }
  return Status::Ok();
}

std::string ClassifierBackend::Summary() const {
  std::string s = fmt::format("classifier: {} classified, {}", classified_, FailureText(failures_));
  if (labels_without_synset_)
    s += fmt::format(", {} label(s) unknown to WordNet", labels_without_synset_);
  return s;
}

}  // namespace pix
