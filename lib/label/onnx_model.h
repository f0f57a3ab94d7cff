// OnnxModel: an image model in ONNX format run through OpenCV's DNN module,
// for pix-label's `consensus` (an embedding model) and `classifier` (an
// ImageNet-style classifier) backends. OpenCV DNN is an optional build
// feature: without it (OnnxAvailable() false) Load() fails with kUnsupported
// saying how to build with it, and the other backends still work.
//
// Input: the picture (upright, RGB; gray is repeated into three channels) is
// resized to `width` x `height` (bilinear, aspect not kept, as torchvision's
// Resize((h, w)) does), scaled by `scale` (1/255 by default), normalised per
// channel by `mean` and `std`, and laid out as a float NCHW blob of one image.
// Output: the named output (or the model's last), flattened.
//
// Load() runs the model once on a blank picture, so a missing file, a file
// that is not a model OpenCV can import, or an output of the wrong size is an
// error before any record is processed; messages name `option` (the flag the
// user gave the path with). Thread-safety: one thread per OnnxModel
// (cv::dnn::Net is not re-entrant); OpenCV parallelises inside a run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "image/metrics.h"

namespace pix {

// Whether this build has OpenCV DNN, and a sentence saying so.
bool OnnxAvailable();
std::string OnnxBuildInfo();

struct OnnxInputOptions {
  int width = 224;
  int height = 224;
  double scale = 1.0 / 255;
  // ImageNet's statistics, which CLIP-less torchvision exports and DINOv2
  // expect (CLIP uses 0.4815,0.4578,0.4082 / 0.2686,0.2613,0.2758).
  double mean[3] = {0.485, 0.456, 0.406};
  double std[3] = {0.229, 0.224, 0.225};
  // The output to read; empty: the model's last output.
  std::string output;
};

// "0.485,0.456,0.406" -> three numbers (one number is repeated).
Status ParseTriple(const std::string& text, double out[3]);

class OnnxModel {
 public:
  // `min_outputs`/`exact_outputs`: the flattened output must have at least /
  // exactly this many values (0: any).
  static Result<std::unique_ptr<OnnxModel>> Load(const std::string& path,
                                                 const OnnxInputOptions& input,
                                                 const std::string& option,
                                                 size_t exact_outputs = 0);
  ~OnnxModel();

  // The model's output for one picture.
  Result<std::vector<float>> Run(const PixelView& picture);
  size_t output_size() const { return output_size_; }

 private:
  OnnxModel() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  OnnxInputOptions input_;
  size_t output_size_ = 0;
};

// The blob OnnxModel feeds a model: 3 x height x width floats, channel-major
// (exposed for tests).
std::vector<float> MakeInputBlob(const PixelView& picture, const OnnxInputOptions& input);

}  // namespace pix
