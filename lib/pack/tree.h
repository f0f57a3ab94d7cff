// Whole-folder operations the packer needs: listing a folder, and making a
// second copy of a dataset folder out of hard links (cheap: no bytes are
// copied, so a re-run can build the new version beside the old one and swap).
// Neither follows symbolic links. Removing a tree is base/files.h's
// RemoveTree. Thread-safety: reentrant. Failure modes: kIoError naming the
// path.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace pix {

// The names in folder `dir`, without "." and "..", in directory order.
Result<std::vector<std::string>> ListDir(const std::string& dir);

struct DirChild {
  std::string name;
  bool is_dir = false;  // a real folder, not a symbolic link to one
};
// ListDir with each child's kind, from the directory entry where the file
// system records it (no stat per file), else from lstat; children that
// vanish while listed are left out.
Result<std::vector<DirChild>> ListDirKinds(const std::string& dir);

// Recreates the folders of `from` under `to` (which must exist) and
// hard-links every regular file into them; copies a file where linking is
// refused. Symbolic links and special files are left out.
Status LinkTree(const std::string& from, const std::string& to);

// Swaps two paths atomically (renameat2 RENAME_EXCHANGE).
Status ExchangePaths(const std::string& a, const std::string& b);

}  // namespace pix
