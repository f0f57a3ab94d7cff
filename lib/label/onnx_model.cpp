#include "label/onnx_model.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#ifdef PIX_HAVE_OPENCV_DNN
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#endif

namespace pix {

Status ParseTriple(const std::string& text, double out[3]) {
  std::vector<double> v;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, end - start);
    char* stop = nullptr;
    const double x = std::strtod(part.c_str(), &stop);
    if (part.empty() || *stop != '\0' || !std::isfinite(x)) {
      return Status::InvalidArgument(
          fmt::format("'{}' is not a number or three numbers A,B,C", text));
    }
    v.push_back(x);
    start = end + 1;
  }
  if (v.size() != 1 && v.size() != 3)
    return Status::InvalidArgument(fmt::format("'{}': give one or three numbers", text));
  for (int c = 0; c < 3; ++c) out[c] = v[v.size() == 1 ? 0 : c];
  return Status::Ok();
}

std::vector<float> MakeInputBlob(const PixelView& p, const OnnxInputOptions& in) {
  const int w = in.width, h = in.height;
  std::vector<float> blob(static_cast<size_t>(3) * w * h);
  for (int y = 0; y < h; ++y) {
    // Pixel centres mapped like torchvision's bilinear resize (align_corners=False).
    const double sy = std::clamp((y + 0.5) * p.height / h - 0.5, 0.0, p.height - 1.0);
    const int y0 = static_cast<int>(sy), y1 = std::min(y0 + 1, p.height - 1);
    const double fy = sy - y0;
    for (int x = 0; x < w; ++x) {
      const double sx = std::clamp((x + 0.5) * p.width / w - 0.5, 0.0, p.width - 1.0);
      const int x0 = static_cast<int>(sx), x1 = std::min(x0 + 1, p.width - 1);
      const double fx = sx - x0;
      for (int c = 0; c < 3; ++c) {
        const int ch = p.channels == 1 ? 0 : c;
        auto at = [&](int yy, int xx) {
          return static_cast<double>(
              p.data[(static_cast<size_t>(yy) * p.width + xx) * p.channels + ch]);
        };
        const double v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
                         fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
        blob[(static_cast<size_t>(c) * h + y) * w + x] =
            static_cast<float>((v * in.scale - in.mean[c]) / in.std[c]);
      }
    }
  }
  return blob;
}

#ifdef PIX_HAVE_OPENCV_DNN

bool OnnxAvailable() { return true; }
std::string OnnxBuildInfo() {
  return fmt::format("consensus and classifier backends: available (OpenCV {} DNN)", CV_VERSION);
}

struct OnnxModel::Impl {
  cv::dnn::Net net;
};

OnnxModel::~OnnxModel() = default;

Result<std::unique_ptr<OnnxModel>> OnnxModel::Load(const std::string& path,
                                                   const OnnxInputOptions& input,
                                                   const std::string& option,
                                                   size_t exact_outputs) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(fmt::format("{} {}: no such model file", option, path));
  }
  std::unique_ptr<OnnxModel> model(new OnnxModel());
  model->impl_ = std::make_unique<Impl>();
  model->input_ = input;
  try {
    model->impl_->net = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    return Status::InvalidArgument(
        fmt::format("{} {}: OpenCV cannot read this ONNX model: {}", option, path, e.what()));
  }
  if (model->impl_->net.empty()) {
    return Status::InvalidArgument(
        fmt::format("{} {}: OpenCV read an empty network", option, path));
  }
  if (!input.output.empty()) {
    const auto names = model->impl_->net.getLayerNames();
    const auto outs = model->impl_->net.getUnconnectedOutLayersNames();
    if (std::find(names.begin(), names.end(), input.output) == names.end() &&
        std::find(outs.begin(), outs.end(), input.output) == outs.end()) {
      return Status::InvalidArgument(
          fmt::format("{} {}: the model has no output '{}' (outputs: {})", option, path,
                      input.output, fmt::join(outs, ", ")));
    }
  }
  std::vector<uint8_t> grey(static_cast<size_t>(3) * 8 * 8, 128);
  auto out = model->Run(PixelView{grey.data(), 8, 8, 3});
  if (!out.ok()) {
    return Status::InvalidArgument(
        fmt::format("{} {}: the model does not run on a {}x{} RGB image: {}", option, path,
                    input.width, input.height, out.status().message()));
  }
  if (out->empty() || (exact_outputs && out->size() != exact_outputs)) {
    return Status::InvalidArgument(
        fmt::format("{} {}: the model gives {} values, {} expected", option, path, out->size(),
                    exact_outputs ? std::to_string(exact_outputs) : "some"));
  }
  model->output_size_ = out->size();
  return model;
}

Result<std::vector<float>> OnnxModel::Run(const PixelView& picture) {
  std::vector<float> blob = MakeInputBlob(picture, input_);
  const int dims[4] = {1, 3, input_.height, input_.width};
  try {
    cv::Mat input(4, dims, CV_32F, blob.data());
    impl_->net.setInput(input);
    cv::Mat out = input_.output.empty() ? impl_->net.forward() : impl_->net.forward(input_.output);
    if (out.type() != CV_32F) out.convertTo(out, CV_32F);
    if (!out.isContinuous()) out = out.clone();
    const float* data = out.ptr<float>();
    return std::vector<float>(data, data + out.total());
  } catch (const cv::Exception& e) {
    return Status::Internal(e.what());
  }
}

#else  // no OpenCV DNN

bool OnnxAvailable() { return false; }
std::string OnnxBuildInfo() {
  return "consensus and classifier backends: not built (OpenCV DNN was not found at build time; "
         "install libopencv-dnn-dev and rebuild)";
}

struct OnnxModel::Impl {};
OnnxModel::~OnnxModel() = default;

Result<std::unique_ptr<OnnxModel>> OnnxModel::Load(const std::string&, const OnnxInputOptions&,
                                                   const std::string& option, size_t) {
  return Status::Unsupported(option + ": " + OnnxBuildInfo());
}

Result<std::vector<float>> OnnxModel::Run(const PixelView&) {
  return Status::Unsupported(OnnxBuildInfo());
}

#endif

}  // namespace pix
