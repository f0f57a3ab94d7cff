#include "jsonl/writer.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/files.h"

namespace pix {
namespace {

TEST_CASE("RecordWriter writes a file through a rename, and a FIFO in place") {
  char tmpl[] = "/tmp/pix-writer-test-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string file = dir + "/out.jsonl";
  RecordParser parser;
  auto record = Record::Parse(R"({"a":1})", parser);
  REQUIRE(record.ok());
  {
    auto writer = RecordWriter::Open(file, LineBuffering::kNever);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Write(*record).ok());
    CHECK_FALSE(ReadFile(file).ok());  // not there until Close()
    REQUIRE((*writer)->Close().ok());
  }
  CHECK(*ReadFile(file) == "{\"a\":1}\n");

  // `-o /dev/null` as root renamed a file over the device; a FIFO stands in.
  const std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  {
    auto writer = RecordWriter::Open(fifo, LineBuffering::kNever);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Write(*record).ok());
    REQUIRE((*writer)->Close().ok());
  }
  char buf[64];
  const ssize_t n = ::read(reader, buf, sizeof buf);
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) == "{\"a\":1}\n");
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  ::close(reader);
  ::unlink(fifo.c_str());
  ::unlink(file.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace pix
