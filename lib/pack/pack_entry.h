// PackEntry: one image of a packed dataset, as the label files describe it,
// and the reading of a pipeline record into one.
//
// An entry is what pix-pack knows about an image once it is in the dataset:
// where it is (relative to the dataset root), its label and split, its
// content hash, and the provenance that labels.json, metadata.json and
// ATTRIBUTION.md publish. labels.json is also the dataset's own memory: a
// later run reads the entries back from it to add images without moving or
// rewriting the ones already there.
//
// Thread-safety: values and pure functions. Failure modes: ParseLabelsJson
// and ReadLabelsJson return kCorruption naming the file when labels.json is not what
// WriteLabelsJson wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "jsonl/record.h"

namespace pix {

struct PackEntry {
  std::string path;   // relative to the dataset root, '/'-separated
  std::string label;  // the class, as the records spell it
  std::string split;  // empty without --split
  std::string sha256;
  // The download's sha256 when the packed file was re-encoded (--resize,
  // --format), so later runs still recognise the image; else empty.
  std::string source_sha256;
  uint64_t bytes = 0;
  int width = 0;
  int height = 0;
  std::string format;                // "jpeg", "png", "webp", ...
  std::optional<double> confidence;  // label_confidence
  bool needs_review = false;
  std::optional<double> quality;  // quality.score
  std::string url;
  std::string page_url;
  std::string title;
  std::string license;
  std::string license_url;
  std::string creator;
  std::vector<std::string> engines;  // every engine that found the image
  std::vector<std::string> queries;  // every query that found it
  std::string cluster;               // dedup's cluster id as JSON text; empty when none
  std::string added;                 // when this entry entered the dataset (RFC 3339, UTC)
};

// Reads the fields of a pipeline record into an entry (path, label and split
// are the packer's to decide and are left empty).
PackEntry EntryFromRecord(const Record& record);

// One entry as a JSON object (the form labels.json and report.json use).
std::string EntryToJson(const PackEntry& e);

// Parses the text of a labels.json written by WriteLabelsJson. `name` is
// used in messages.
Result<std::vector<PackEntry>> ParseLabelsJson(std::string_view text, std::string_view name);

// Reads the labels.json at `path`. The layout WriteLabelsJson gives the file
// (one entry per line) is read a line at a time, so only the entries are
// held, not the text and its parse tree too (at 100,000 entries that tree
// doubled a re-run's peak memory); any other layout of the same JSON, e.g.
// a file a person re-indented, is parsed whole.
Result<std::vector<PackEntry>> ReadLabelsJson(const std::string& path);

// The extension (without the dot) a file of this format gets: jpeg -> jpg.
// Falls back to the extension of `path`, then to "bin".
std::string ExtensionFor(std::string_view format, std::string_view path);

}  // namespace pix
