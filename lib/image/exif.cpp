#include "image/exif.h"

#include <libexif/exif-data.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

namespace pix {
namespace {

using ExifPtr = std::unique_ptr<ExifData, void (*)(ExifData*)>;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\0' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string Ascii(ExifData* ed, ExifIfd ifd, ExifTag tag) {
  ExifEntry* e = exif_content_get_entry(ed->ifd[ifd], tag);
  if (!e || e->format != EXIF_FORMAT_ASCII || !e->data || e->size == 0) return "";
  return Trim(std::string(reinterpret_cast<const char*>(e->data), strnlen(reinterpret_cast<const char*>(e->data), e->size)));
}

// "YYYY:MM:DD HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SS"; other text unchanged.
std::string IsoDateTime(const std::string& s) {
  if (s.size() != 19 || s[4] != ':' || s[7] != ':' || s[10] != ' ' || s[13] != ':' || s[16] != ':') return s;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return s;
  }
  std::string out = s;
  out[4] = out[7] = '-';
  out[10] = 'T';
  return out;
}

std::optional<double> Coordinate(ExifData* ed, ExifTag value_tag, ExifTag ref_tag, char negative_ref) {
  ExifEntry* e = exif_content_get_entry(ed->ifd[EXIF_IFD_GPS], value_tag);
  if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components != 3 || e->size < 24) return std::nullopt;
  const ExifByteOrder order = exif_data_get_byte_order(ed);
  double parts[3];
  for (int i = 0; i < 3; ++i) {
    const ExifRational r = exif_get_rational(e->data + 8 * i, order);
    if (r.denominator == 0) return std::nullopt;
    parts[i] = static_cast<double>(r.numerator) / r.denominator;
  }
  double deg = parts[0] + parts[1] / 60 + parts[2] / 3600;
  ExifEntry* ref = exif_content_get_entry(ed->ifd[EXIF_IFD_GPS], ref_tag);
  if (ref && ref->data && ref->size > 0 && ref->data[0] == negative_ref) deg = -deg;
  return deg;
}

}  // namespace

ExifSummary ReadExif(std::string_view payload, bool include_gps) {
  ExifSummary out;
  if (payload.size() < 8 || payload.size() > kMaxExifBytes) return out;
  // libexif wants the APP1 identifier in front of the TIFF header.
  std::vector<unsigned char> buf(6 + payload.size());
  std::memcpy(buf.data(), "Exif\0\0", 6);
  std::memcpy(buf.data() + 6, payload.data(), payload.size());
  ExifPtr ed(exif_data_new(), exif_data_unref);
  if (!ed) return out;
  // Read what is there; do not let libexif "fix" the data to the standard.
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(ed.get(), buf.data(), static_cast<unsigned int>(buf.size()));
  for (int i = 0; i < EXIF_IFD_COUNT; ++i) out.present |= ed->ifd[i] && ed->ifd[i]->count > 0;
  if (!out.present) return out;
  out.make = Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_MAKE);
  out.model = Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_MODEL);
  std::string dt = Ascii(ed.get(), EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL);
  if (dt.empty()) dt = Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_DATE_TIME);
  out.datetime = IsoDateTime(dt);
  if (ExifEntry* e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
      e && e->format == EXIF_FORMAT_SHORT && e->size >= 2) {
    const int v = exif_get_short(e->data, exif_data_get_byte_order(ed.get()));
    if (v >= 1 && v <= 8) out.orientation = v;
  }
  out.gps = ed->ifd[EXIF_IFD_GPS] && ed->ifd[EXIF_IFD_GPS]->count > 0;
  if (include_gps && out.gps) {
    out.latitude = Coordinate(ed.get(), static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE),
                              static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE_REF), 'S');
    out.longitude = Coordinate(ed.get(), static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE),
                               static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE_REF), 'W');
  }
  return out;
}

}  // namespace pix
