#include "validate/validate_section.h"

namespace pix {

Result<ValidateOptions> ParseValidateSection(const DatasetConfig& config) {
  ValidateOptions o;
  PIX_ASSIGN_OR_RETURN(YamlMap v, config.StageSection("validate"));
  PIX_RETURN_IF_ERROR(
      v.CheckKeys({"level", "min_width", "min_height", "max_pixels", "min_aspect", "allow_animated",
                   "dark", "light", "min_contrast", "min_entropy", "min_sharpness", "max_uniform",
                   "blank", "min_jpeg_quality", "reject_flags", "min_quality"}));
  if (v.Has("level")) {
    std::string level;
    PIX_RETURN_IF_ERROR(v.Get("level", &level));
    auto parsed = ParseValidateLevel(level);
    if (!parsed.ok()) return v.Error(v.Node("level"), "level", parsed.status().message());
    o.level = *parsed;
  }
  PIX_RETURN_IF_ERROR(v.Get("min_width", &o.min_width, 0, 1 << 20));
  PIX_RETURN_IF_ERROR(v.Get("min_height", &o.min_height, 0, 1 << 20));
  size_t max_pixels = o.max_pixels;
  PIX_RETURN_IF_ERROR(v.Get("max_pixels", &max_pixels, size_t{1} << 40));
  if (max_pixels == 0) return v.Error(v.Node("max_pixels"), "max_pixels", "must be at least 1");
  o.max_pixels = max_pixels;
  PIX_RETURN_IF_ERROR(v.Get("min_aspect", &o.min_aspect, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("allow_animated", &o.allow_animated));
  PIX_RETURN_IF_ERROR(v.Get("dark", &o.dark_p99, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("light", &o.light_p05, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("min_contrast", &o.min_contrast, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("min_entropy", &o.min_entropy, 0, 8));
  PIX_RETURN_IF_ERROR(v.Get("min_sharpness", &o.min_sharpness, 0, 1e9));
  PIX_RETURN_IF_ERROR(v.Get("max_uniform", &o.max_uniform_fraction, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("blank", &o.blank_fraction, 0, 1));
  PIX_RETURN_IF_ERROR(v.Get("min_jpeg_quality", &o.min_jpeg_quality, 0, 100));
  if (v.Has("reject_flags")) {
    std::vector<std::string> list;
    PIX_RETURN_IF_ERROR(v.Get("reject_flags", &list));
    auto parsed = ParseRejectFlags(list);
    if (!parsed.ok())
      return v.Error(v.Node("reject_flags"), "reject_flags", parsed.status().message());
    o.reject_flags = *parsed;
  }
  PIX_RETURN_IF_ERROR(v.Get("min_quality", &o.min_quality, 0, 1));
  if (o.min_quality > 0 && o.level != ValidateLevel::kSlow) {
    return v.Error(v.Node("min_quality"), "min_quality", "needs level: slow");
  }
  return o;
}

}  // namespace pix
