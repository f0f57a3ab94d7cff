// The label files of a dataset: the same entries in every format the
// product promises, plus the class list, Hugging Face's imagefolder metadata
// and the attribution page. Each function returns the file's text; the
// packer writes them atomically. Entries are written in the order given
// (the packer sorts them by path).
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
// Thread-safety: pure functions. Failure modes: none.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pack/pack_entry.h"

namespace pix {

// The columns of labels.csv and labels.txt, in order.
const std::vector<std::string>& LabelColumns();

std::string LabelsJson(const std::vector<PackEntry>& entries);
std::string LabelsCsv(const std::vector<PackEntry>& entries);
std::string LabelsYaml(const std::vector<PackEntry>& entries);
std::string LabelsTxt(const std::vector<PackEntry>& entries);
// `folders`: label -> folder name.
std::string ClassesTxt(const std::map<std::string, std::string>& folders);
// metadata.jsonl texts keyed by the folder they belong in ("" for the root,
// else the split name); file_name is relative to that folder.
std::map<std::string, std::string> MetadataJsonl(const std::vector<PackEntry>& entries);
std::string AttributionMd(const std::vector<PackEntry>& entries, const std::string& dataset_name);

// Field `column` of an entry as text (numbers in their shortest form,
// booleans as true/false, absent values empty).
std::string EntryField(const PackEntry& e, const std::string& column);

}  // namespace pix
