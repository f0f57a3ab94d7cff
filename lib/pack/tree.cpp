#include "pack/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "base/files.h"

namespace pix {

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return Status::FromErrno("cannot read folder " + dir, errno);
  std::vector<std::string> names;
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  return names;
}

Result<std::vector<DirChild>> ListDirKinds(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return Status::FromErrno("cannot read folder " + dir, errno);
  std::vector<DirChild> children;
  while (dirent* ent = ::readdir(d)) {
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = ent->d_type == DT_DIR;
    if (ent->d_type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat(JoinPath(dir, name).c_str(), &st) != 0) continue;
      is_dir = S_ISDIR(st.st_mode);
    }
    children.push_back(DirChild{std::string(name), is_dir});
  }
  ::closedir(d);
  return children;
}

Status LinkTree(const std::string& from, const std::string& to) {
  PIX_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(from));
  for (const auto& name : names) {
    const std::string src = JoinPath(from, name), dst = JoinPath(to, name);
    struct stat st;
    if (::lstat(src.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (::mkdir(dst.c_str(), 0755) != 0 && errno != EEXIST) {
        return Status::FromErrno("cannot create " + dst, errno);
      }
      PIX_RETURN_IF_ERROR(LinkTree(src, dst));
    } else if (S_ISREG(st.st_mode)) {
      PIX_ASSIGN_OR_RETURN(const LinkOutcome placed, LinkOrCopyFile(src, dst));
      if (placed == LinkOutcome::kExisting) {
        return Status::FromErrno("cannot link " + src + " to " + dst, EEXIST);
      }
    }
  }
  return Status::Ok();
}

Status ExchangePaths(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0) {
    return Status::FromErrno("cannot swap " + a + " and " + b, errno);
  }
  return Status::Ok();
}

}  // namespace pix
