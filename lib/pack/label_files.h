// The label files of a dataset: the same entries in every format the
// product promises, plus the class list, Hugging Face's imagefolder metadata
// and the attribution page. Each function streams the file's text to a
// TextSink one entry at a time, so a dataset of any size is written without
// holding a whole file in memory (the packer's sink writes to the file and
// hashes it for the MANIFEST on the way). Entries are written in the order
// given (the packer sorts them by path).
//
//   labels.json    a JSON array, one object per line (see EntryToJson)
//   labels.csv     RFC 4180, header row, CRLF-free (LF line ends)
//   labels.yaml    a YAML sequence of mappings, strings double-quoted
//   labels.txt     tab-separated, '#' header; tabs and line breaks in
//                  values become spaces
//   classes.txt    one label per line, in the order torchvision's
//                  ImageFolder numbers the class folders (sorted folder
//                  names), so line N is class index N
//   metadata.jsonl one object per image: file_name relative to the file's
//                  own folder (the split folder with --split), label, ...
//   ATTRIBUTION.md creator, licence and source of every image whose source
//                  reported one, grouped by licence
//
// Thread-safety: pure functions. Failure modes: the first error the sink
// returns (a full disk), which ends the file.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/files.h"
#include "base/status.h"
#include "pack/pack_entry.h"

namespace pix {

// The columns of labels.csv and labels.txt, in order.
const std::vector<std::string>& LabelColumns();

Status WriteLabelsJson(const std::vector<PackEntry>& entries, const TextSink& out);
Status WriteLabelsCsv(const std::vector<PackEntry>& entries, const TextSink& out);
Status WriteLabelsYaml(const std::vector<PackEntry>& entries, const TextSink& out);
Status WriteLabelsTxt(const std::vector<PackEntry>& entries, const TextSink& out);
// `folders`: label -> folder name.
std::string ClassesTxt(const std::map<std::string, std::string>& folders);
// The folders a metadata.jsonl belongs in: "" (the root) without --split,
// else each split's folder.
std::set<std::string> MetadataJsonlFolders(const std::vector<PackEntry>& entries);
// The metadata.jsonl of one of those folders: the entries of that split,
// file_name relative to the folder.
Status WriteMetadataJsonl(const std::vector<PackEntry>& entries, const std::string& split,
                          const TextSink& out);
Status WriteAttributionMd(const std::vector<PackEntry>& entries, const std::string& dataset_name,
                          const TextSink& out);

// Field `column` of an entry as text (numbers in their shortest form,
// booleans as true/false, absent values empty).
std::string EntryField(const PackEntry& e, const std::string& column);

}  // namespace pix
