// Admission: the one rule that decides which records enter a dataset.
//
// A record enters when it carries no `error`, was validated (`valid` is
// true), is not a duplicate (`dup_of` absent or null), was not dropped by
// pix-label (`dropped` is not true), and has a `label` and a `path`. Every
// other record is turned away with a reason code the report groups by:
//
//   failed         an earlier stage failed it (detail: "stage/code")
//   not_validated  no `valid` field: pix-validate did not see it
//   invalid        `valid` is false (detail: the `reject` reasons)
//   duplicate      `dup_of` names the image it duplicates (detail: dup_of)
//   dropped        pix-label dropped it
//   no_label       no `label`
//   no_file        no `path` (never downloaded)
//
// The packer adds the reasons only it can see: same_image (this sha256 is
// already in the dataset under another record), missing_file and
// changed_file (faults: the file vanished or changed since it was hashed).
// Thread-safety: pure functions. Failure modes: none.
#pragma once

#include <optional>
#include <string>

#include "jsonl/record.h"

namespace pix {

struct Rejection {
  std::string reason;  // one of the codes above
  std::string detail;  // for people: the error code, reject reasons, dup_of
};

// nullopt when the record may enter the dataset.
std::optional<Rejection> CheckAdmission(const Record& record);

// The reasons that are faults of this run (exit status 1), not verdicts on
// the record's content.
bool IsFaultReason(const std::string& reason);

}  // namespace pix
