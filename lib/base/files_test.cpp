#include "base/files.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "base/dir_lock.h"
#include "base/resources.h"

namespace pix {
namespace {

// A fresh directory under /tmp, removed at the end.
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/pix-files-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

// Reads what has been written into the FIFO `reader` reads from.
std::string Drain(int reader) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(reader, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST_CASE("atomic writers write a device or FIFO in place instead of renaming over it") {
  // `-o /dev/null` or `--stats /dev/stderr` must not replace the device with
  // a file; a FIFO stands in for the device here.
  TempDir dir;
  const std::string fifo = dir.path + "/out";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  CHECK(IsSpecialFile(fifo));
  CHECK(IsSpecialFile("/dev/null"));
  CHECK_FALSE(IsSpecialFile(dir.path));
  CHECK_FALSE(IsSpecialFile(dir.path + "/absent"));

  REQUIRE(WriteFileAtomic(fifo, "one\n").ok());
  AtomicFileWriter writer;
  REQUIRE(writer.Open(fifo).ok());
  REQUIRE(writer.Append("two\n").ok());
  REQUIRE(writer.Commit().ok());
  CHECK(Drain(reader) == "one\ntwo\n");
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  {
    AtomicFileWriter abandoned;  // an error midway leaves the FIFO where it was
    REQUIRE(abandoned.Open(fifo).ok());
  }
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(std::filesystem::directory_iterator(dir.path) != std::filesystem::directory_iterator());
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++entries;
  CHECK(entries == 1);  // no temporary file left beside it
  ::close(reader);
}

TEST_CASE("OpenRegularFile refuses a FIFO without blocking, and reads a file") {
  TempDir dir;
  const std::string fifo = dir.path + "/f.jpg";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  auto opened = OpenRegularFile(fifo);  // blocked forever before issue 9
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().message() == fifo + ": not a regular file");
  CHECK_FALSE(ReadFile(fifo).ok());
  CHECK_FALSE(OpenRegularFile(dir.path).ok());  // a directory
  CHECK_FALSE(OpenRegularFile("/dev/null").ok());

  const std::string file = dir.path + "/a.txt";
  REQUIRE(WriteFileAtomic(file, "hello").ok());
  auto fd = OpenRegularFile(file);
  REQUIRE(fd.ok());
  CHECK((::fcntl(*fd, F_GETFL) & O_NONBLOCK) == 0);
  ::close(*fd);
  CHECK(*ReadFile(file) == "hello");
}

TEST_CASE("AtomicFileWriter shows the file only when committed, whole") {
  TempDir dir;
  const std::string out = dir.path + "/big.txt";
  REQUIRE(WriteFileAtomic(out, "old").ok());
  const std::string line(1000, 'x');
  {
    AtomicFileWriter w;
    REQUIRE(w.Open(out).ok());
    for (int i = 0; i < 200; ++i) REQUIRE(w.Append(line).ok());  // past the 64 KiB buffer
    CHECK(*ReadFile(out) == "old");
  }  // not committed: the temporary is gone, the old file stays
  CHECK(*ReadFile(out) == "old");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);
  AtomicFileWriter w;
  REQUIRE(w.Open(out).ok());
  REQUIRE(w.Sink()("new ").ok());
  REQUIRE(w.Append("text").ok());
  CHECK(w.size() == 8);
  REQUIRE(w.Commit().ok());
  CHECK(*ReadFile(out) == "new text");
  CHECK_FALSE(w.Append("more").ok());
  AtomicFileWriter nowhere;
  CHECK_FALSE(nowhere.Open(dir.path + "/no/such/dir/x").ok());
}

TEST_CASE("TempPathFor removes the temp files of dead processes only") {
  TempDir dir;
  const std::string out = dir.path + "/out.jsonl";
  // PID 2^22+1 is above Linux's pid_max ceiling, so no process has it.
  const std::string dead = out + ".tmp-4194305";
  const std::string alive = out + ".tmp-1";  // init
  const std::string other = dir.path + "/other.jsonl.tmp-4194305";
  for (const auto& p : {dead, alive, other}) REQUIRE(WriteFileAtomic(p, "x").ok());
  const std::string temp = TempPathFor(out);
  CHECK(temp == out + ".tmp-" + std::to_string(::getpid()));
  struct stat st {};
  CHECK(::stat(dead.c_str(), &st) != 0);
  CHECK(::stat(alive.c_str(), &st) == 0);
  CHECK(::stat(other.c_str(), &st) == 0);
}

TEST_CASE("DirectoryLock lets one run in and names the holder to the next") {
  TempDir dir;
  auto first = DirectoryLock::Acquire(dir.path, "pix-fetch");
  REQUIRE(first.ok());
  auto second = DirectoryLock::Acquire(dir.path, "pix-fetch");
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message().find("directory in use by pix-fetch PID " +
                                       std::to_string(::getpid())) != std::string::npos);
  { DirectoryLock released = std::move(*first); }
  CHECK(DirectoryLock::Acquire(dir.path, "pix-fetch").ok());
}

TEST_CASE("SlotsForDescriptors keeps a reserve and never returns zero") {
  CHECK(SlotsForDescriptors(1024, 2, 64) == 480);
  CHECK(SlotsForDescriptors(10, 2, 64) == 1);
  CHECK(SlotsForDescriptors(UINT64_MAX, 2, 64) == (1 << 30));
  CHECK(RaiseOpenFileLimit() >= 64);
  CHECK(PhysicalMemoryBytes() > 0);
}

TEST_CASE("CopyFile copies into a new file; LinkOrCopyFile links, keeps, or copies") {
  TempDir d;
  const std::string src = d.path + "/src";
  REQUIRE(WriteFileAtomic(src, std::string(300000, 'p')).ok());
  size_t seen = 0;
  REQUIRE(CopyFile(src, d.path + "/copy", [&](std::string_view c) { seen += c.size(); }).ok());
  CHECK(seen == 300000);
  CHECK(*ReadFile(d.path + "/copy") == std::string(300000, 'p'));
  CHECK(!CopyFile(src, d.path + "/copy").ok());  // never over an existing file
  CHECK(CopyFile(d.path + "/none", d.path + "/c2").code() == StatusCode::kNotFound);
  CHECK(::access((d.path + "/c2").c_str(), F_OK) != 0);

  auto linked = LinkOrCopyFile(src, d.path + "/link");
  REQUIRE(linked.ok());
  CHECK(*linked == LinkOutcome::kLinked);
  struct stat a, b;
  REQUIRE(::stat(src.c_str(), &a) == 0);
  REQUIRE(::stat((d.path + "/link").c_str(), &b) == 0);
  CHECK(a.st_ino == b.st_ino);
  REQUIRE(WriteFileAtomic(d.path + "/there", "kept").ok());
  auto existing = LinkOrCopyFile(src, d.path + "/there");
  REQUIRE(existing.ok());
  CHECK(*existing == LinkOutcome::kExisting);
  CHECK(*ReadFile(d.path + "/there") == "kept");
  CHECK(LinkOrCopyFile(d.path + "/none", d.path + "/x").status().code() == StatusCode::kNotFound);

  // Across file systems (when /dev/shm is another one) link(2) fails with
  // EXDEV and a copy stands in.
  struct stat shm;
  if (::stat("/dev/shm", &shm) == 0 && shm.st_dev != a.st_dev && ::access("/dev/shm", W_OK) == 0) {
    const std::string other = "/dev/shm/pix-files-test-" + std::to_string(::getpid());
    auto copied = LinkOrCopyFile(src, other);
    REQUIRE(copied.ok());
    CHECK(*copied == LinkOutcome::kCopied);
    CHECK(ReadFile(other)->size() == 300000);
    ::unlink(other.c_str());
  }
  CHECK(LinkRefused(EXDEV));
  CHECK(!LinkRefused(ENOENT));
}

TEST_CASE("RemoveTree removes a tree and unlinks symbolic links without following them") {
  TempDir d;
  const std::string tree = d.path + "/tree", outside = d.path + "/outside";
  REQUIRE(MakeDirs(tree + "/a/b").ok());
  REQUIRE(MakeDirs(outside + "/keep").ok());
  REQUIRE(WriteFileAtomic(tree + "/a/b/x.txt", "x").ok());
  REQUIRE(WriteFileAtomic(tree + "/top.txt", "t").ok());
  REQUIRE(WriteFileAtomic(outside + "/keep/y.txt", "y").ok());
  REQUIRE(::mkfifo((tree + "/a/fifo").c_str(), 0600) == 0);
  // Links out of the tree: to a folder, to a file, and a dangling one.
  REQUIRE(::symlink(outside.c_str(), (tree + "/a/to_dir").c_str()) == 0);
  REQUIRE(::symlink((outside + "/keep/y.txt").c_str(), (tree + "/to_file").c_str()) == 0);
  REQUIRE(::symlink((d.path + "/nowhere").c_str(), (tree + "/a/b/dangling").c_str()) == 0);
  REQUIRE(RemoveTree(tree).ok());
  CHECK(::access(tree.c_str(), F_OK) != 0);
  CHECK(*ReadFile(outside + "/keep/y.txt") == "y");

  // `path` itself a link to a folder: the link goes, the folder stays whole.
  const std::string link = d.path + "/link";
  REQUIRE(::symlink(outside.c_str(), link.c_str()) == 0);
  REQUIRE(RemoveTree(link).ok());
  struct stat st;
  CHECK(::lstat(link.c_str(), &st) != 0);
  CHECK(*ReadFile(outside + "/keep/y.txt") == "y");

  // A single file, and a path that does not exist.
  REQUIRE(RemoveTree(outside + "/keep/y.txt").ok());
  CHECK(::access((outside + "/keep/y.txt").c_str(), F_OK) != 0);
  CHECK(RemoveTree(d.path + "/none").ok());
}

TEST_CASE("RemoveTree names the folder it cannot empty") {
  if (::geteuid() == 0) return;  // root reads any folder
  TempDir d;
  REQUIRE(MakeDirs(d.path + "/t/locked").ok());
  REQUIRE(WriteFileAtomic(d.path + "/t/locked/x", "x").ok());
  REQUIRE(::chmod((d.path + "/t/locked").c_str(), 0) == 0);
  const Status s = RemoveTree(d.path + "/t");
  ::chmod((d.path + "/t/locked").c_str(), 0755);
  CHECK(!s.ok());
  CHECK(s.message().find(d.path + "/t/locked") != std::string::npos);
}

TEST_CASE("ExecutableDir is the directory this test binary is in") {
  const std::string dir = ExecutableDir("ignored");
  REQUIRE(!dir.empty());
  CHECK(dir.front() == '/');
  CHECK(dir.back() != '/');
  // glibc's name of this program, as it was started: a file in that directory.
  CHECK(std::filesystem::is_regular_file(dir + "/" + program_invocation_short_name));
}

}  // namespace
}  // namespace pix
