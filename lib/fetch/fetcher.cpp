#include "fetch/fetcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "base/dir_lock.h"
#include "base/exit_code.h"
#include "base/file_names.h"
#include "base/files.h"
#include "base/resources.h"
#include "base/signals.h"
#include "http/url.h"
#include "fetch/download_name.h"
#include "fetch/file_digester.h"
#include "hash/sha256.h"
#include "image/sniff.h"
#include "jsonl/fields.h"

namespace pix {
namespace {

constexpr const char* kStage = "fetch";

// Extensions a finished download can have (FileExtension of raster kinds).
constexpr const char* kImageExtensions[] = {"jpg", "png", "webp", "gif", "bmp",
                                            "tif", "avif", "heic", "ico"};

std::string Rfc3339Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Whether an X-Robots-Tag value opts out of AI use. Values may name a user
// agent ("otherbot: noai") and list several rules ("noindex, noimageai").
bool OptsOutOfAi(std::string_view value) {
  std::string v(value);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t pos = 0;
  while ((pos = v.find("no", pos)) != std::string::npos) {
    const bool starts = pos == 0 || v[pos - 1] == ' ' || v[pos - 1] == ',' || v[pos - 1] == ':';
    for (std::string_view rule : {"noai", "noimageai"}) {
      const size_t end = pos + rule.size();
      if (starts && v.compare(pos, rule.size(), rule) == 0 &&
          (end == v.size() || v[end] == ',' || v[end] == ' ' || v[end] == ';')) {
        return true;
      }
    }
    pos += 2;
  }
  return false;
}

// Record fields for checksums (see man pix-fetch).
constexpr std::string_view kExpectedSha256 = "expected_sha256";
constexpr std::string_view kSha256Url = "sha256_url";
constexpr std::string_view kSha256Verified = "sha256_verified";
// A checksum file is a line per file; anything longer is not one.
constexpr uint64_t kMaxChecksumFileBytes = 64 * 1024;

// The start offset of a 206 response's Content-Range ("bytes 100-199/300").
std::optional<uint64_t> ContentRangeStart(const HttpResponse& r) {
  auto range = r.Header("content-range");
  if (!range || range->substr(0, 6) != "bytes ") return std::nullopt;
  const std::string text(range->substr(6));
  char* end = nullptr;
  errno = 0;
  const unsigned long long start = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '-') return std::nullopt;
  return start;
}

// What If-Range can be given to resume safely: a strong ETag, else
// Last-Modified; "" when the response has neither.
std::string ValidatorOf(const HttpResponse& r) {
  if (auto etag = r.Header("etag"); etag && !etag->empty() && etag->substr(0, 2) != "W/") {
    return std::string(*etag);
  }
  if (auto modified = r.Header("last-modified")) return std::string(*modified);
  return "";
}

// Receives one download into "<dir>/.<name>.part". The digest is taken
// later, off the transfer loop (FileDigester).
//
// The part file is opened when the response headers arrive, not when the
// request is queued: a queued request holds no descriptor (so descriptors
// scale with running transfers, not with the queue), an interrupted run
// leaves no empty part files for requests that never started, and a file
// that cannot be opened (EMFILE, EACCES, ENOSPC) fails only its record.
class FileSink : public BodySink {
 public:
  // `prefix`: bytes of the part file kept from an interrupted run (--resume),
  // asked for with a Range request; 0 to start empty. `validator_path`:
  // where to keep the response's validator for a later If-Range, "" not to.
  FileSink(std::string part_path, bool honour_noai, uint64_t prefix, std::string validator_path)
      : part_path_(std::move(part_path)),
        validator_path_(std::move(validator_path)),
        honour_noai_(honour_noai),
        prefix_(prefix) {}
  ~FileSink() override { Close(); }

  bool OnHeaders(const HttpResponse& r) override {
    if (r.status < 200 || r.status >= 300) {
      Reject(fmt::format("http_{}", r.status), fmt::format("HTTP {}", r.status));
      return false;
    }
    if (honour_noai_) {
      if (auto tag = r.Header("x-robots-tag"); tag && OptsOutOfAi(*tag)) {
        Reject("robots_noai", fmt::format("X-Robots-Tag: {} (the owner opted out of AI use; "
                                          "--ignore-noai to fetch anyway)", *tag));
        return false;
      }
    }
    // A range that does not start where the part file ends would splice
    // the wrong bytes in; the part file is dropped (not resumable).
    if (prefix_ > 0 && r.status == 206 && ContentRangeStart(r) != prefix_) {
      Reject("bad_range", fmt::format("asked for bytes from {}, the server sent Content-Range: {}",
                                      prefix_, r.Header("content-range").value_or("nothing")));
      return false;
    }
    // The server ignored our Range request, or the file changed since the
    // part was written (If-Range did not match): start over.
    if (prefix_ > 0 && r.status != 206) prefix_ = 0;
    if (prefix_ == 0) KeepValidator(r);
    if (fd_ < 0) {
      fd_ = ::open(part_path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd_ < 0) {
        Reject("write_failed", fmt::format("{}: {}", part_path_, std::strerror(errno)));
        return false;
      }
    }
    // Keep the resumed prefix, forget anything a failed attempt wrote.
    if (!Truncate(prefix_)) return false;
    Restart();
    return true;
  }

  bool OnData(const char* data, size_t size) override {
    if (const int err = WriteAll(fd_, std::string_view(data, size)); err != 0) {
      Reject("write_failed", fmt::format("{}: {}", part_path_, std::strerror(err)));
      return false;
    }
    Account(data, size);
    return true;
  }

  void OnRetry() override {
    // The next attempt's OnHeaders() cuts the file back to the prefix.
    written_ = 0;
    head_.clear();
  }

  std::string reject_code() const override { return code_; }
  std::string reject_message() const override { return message_; }

  uint64_t bytes() const { return written_; }
  // Whether the part file holds bytes worth resuming from.
  bool has_bytes() const { return written_ > 0 || prefix_ > 0; }
  const std::string& head() const { return head_; }
  const std::string& part_path() const { return part_path_; }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  void Account(const char* data, size_t size) {
    if (head_.size() < kSniffBytes) head_.append(data, std::min(size, kSniffBytes - head_.size()));
    written_ += size;
  }

  // Back to the kept prefix (all of it on disk already): its size, and its
  // first bytes for sniffing.
  void Restart() {
    written_ = 0;
    head_.clear();
    if (prefix_ == 0 || fd_ < 0) return;
    char buf[kSniffBytes];
    const ssize_t n = ::pread(fd_, buf, std::min<uint64_t>(sizeof buf, prefix_), 0);
    if (n > 0) head_.assign(buf, static_cast<size_t>(n));
    written_ = prefix_;
  }

  bool Truncate(uint64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) {
      Reject("write_failed", fmt::format("{}: {}", part_path_, std::strerror(errno)));
      return false;
    }
    return true;
  }

  void Reject(std::string code, std::string message) {
    code_ = std::move(code);
    message_ = std::move(message);
  }

  // A fresh download: what a later --resume must send in If-Range. Without
  // one (or when it cannot be written) the old one must not stay either.
  void KeepValidator(const HttpResponse& r) {
    if (validator_path_.empty()) return;
    const std::string validator = ValidatorOf(r);
    if (validator.empty() || !WriteFileAtomic(validator_path_, validator + "\n").ok()) {
      ::unlink(validator_path_.c_str());
    }
  }

  std::string part_path_;
  std::string validator_path_;
  bool honour_noai_;
  int fd_ = -1;
  uint64_t written_ = 0;
  uint64_t prefix_ = 0;
  std::string head_;
  std::string code_ = "rejected";
  std::string message_;
};

// Where a URL's file lives.
struct Target {
  std::string dir;
  std::string stem;  // 16 hex digits: the start of every name of this URL's file
  std::string Part() const { return JoinPath(dir, "." + stem + ".part"); }
  // The part file's validator for If-Range (FileSink::KeepValidator).
  std::string Validator() const { return Part() + ".etag"; }
  std::string Key() const { return JoinPath(dir, stem); }
};

Target TargetFor(const FetchOptions& options, const Record& record, const std::string& url) {
  Target t;
  t.dir = options.output_dir;
  if (options.by_label) {
    if (auto label = record.GetString(field::kLabel); label && !label->empty()) {
      t.dir = JoinPath(t.dir, LabelDirName(*label));
    }
  }
  // Named by the URL's identity (pix-search's normalisation without
  // userinfo), so "HTTP://", "#frag" and "user:pass@" spellings of one URL
  // are one file, downloaded once per run.
  // Any-type downloads are named without a signed link's signature, so a
  // fresh link to the same file resumes and finds what an older one fetched.
  const std::string identity =
      UrlIdentity(options.accept == AcceptTypes::kAny ? WithoutLinkSignature(url) : url);
  t.stem = Sha256Hex(identity).substr(0, 16);
  return t;
}

// The finished files of each output directory, read once with readdir().
// Probing nine possible extensions per URL with stat() is slower than it
// looks: each miss is a full directory lookup, and it showed up as the top
// cost in profiles of directories with thousands of files.
class FinishedFiles {
 public:
  explicit FinishedFiles(AcceptTypes accept) : accept_(accept) {}

  // The path of the finished file for `t`, or "" when there is none. Creates
  // the directory on first use.
  Result<std::string> Find(const Target& t) {
    PIX_ASSIGN_OR_RETURN(Directory * dir, Load(t.dir));
    auto it = dir->find(Key(t.stem));
    if (it == dir->end()) return std::string();
    return JoinPath(t.dir, t.stem + it->second);
  }

  // `name`: the finished file's name in t.dir, which starts with t.stem.
  void Add(const Target& t, std::string_view name) {
    if (auto suffix = Suffix(name)) dirs_[t.dir][Key(t.stem)] = std::string(*suffix);
  }

  void Remove(const Target& t) { dirs_[t.dir].erase(Key(t.stem)); }

 private:
  // stem -> the rest of the name (".jpg", "-dataset.zip"): short names stay
  // in std::string's inline buffer.
  using Directory = std::unordered_map<uint64_t, std::string>;

  static uint64_t Key(std::string_view stem) { return std::strtoull(std::string(stem).c_str(), nullptr, 16); }

  // The part of `name` after its 16-hex stem when `name` is a finished file
  // this run accepts: "<stem>.<image ext>", and with kAny also
  // "<stem>.<any ext>" and "<stem>-<name>". Part files start with a dot.
  std::optional<std::string_view> Suffix(std::string_view name) const {
    if (name.size() < 18 || name.substr(0, 16).find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view rest = name.substr(16);
    if (accept_ == AcceptTypes::kAny) {
      if (rest[0] == '-' || rest[0] == '.') return rest;
      return std::nullopt;
    }
    if (rest[0] != '.') return std::nullopt;
    for (const char* ext : kImageExtensions) {
      if (rest.substr(1) == ext) return rest;
    }
    return std::nullopt;
  }

  Result<Directory*> Load(const std::string& path) {
    if (auto it = dirs_.find(path); it != dirs_.end()) return &it->second;
    PIX_RETURN_IF_ERROR(MakeDirs(path));
    DIR* d = ::opendir(path.c_str());
    if (!d) return Status::FromErrno(path, errno);
    auto it = dirs_.try_emplace(path).first;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (auto suffix = Suffix(name)) it->second[Key(name.substr(0, 16))] = std::string(*suffix);
    }
    ::closedir(d);
    return &it->second;
  }

  AcceptTypes accept_;
  std::unordered_map<std::string, Directory> dirs_;
};

// The digest a download must have, and where it was published.
struct Checksum {
  std::string digest;  // lower-case hex
  std::string source;  // "expected_sha256" or the checksum file's URL
};

// Errors after which a partial file is worth keeping for --resume.
bool ResumableError(std::string_view code) {
  return code == "truncated" || code == "timeout" || code == "too_slow" || code == "interrupted" ||
         code == "recv_failed" || code == "connect_timeout";
}

class FetchRun {
 public:
  FetchRun(const FetchOptions& options, StageIo& io)
      : options_(options),
        io_(io),
        client_(options.http),
        digester_([this] { client_.Wakeup(); }),
        finished_(options.accept),
        start_(std::chrono::steady_clock::now()) {}

  int Run() {
    Status status = MakeDirs(options_.output_dir);
    // One run per directory: a second one would write the same part files.
    std::optional<DirectoryLock> lock;
    if (status.ok()) {
      auto locked = DirectoryLock::Acquire(options_.output_dir, "pix-fetch");
      if (locked.ok()) {
        lock.emplace(std::move(*locked));
      } else {
        status = locked.status();
      }
    }
    // Keep enough transfers queued to fill every slot, without reading the
    // whole input into memory; files waiting for their digest count too, so
    // a slow disk holds downloads back instead of piling up records. Input is
    // read ahead by a thread, so a slow upstream stage never stalls downloads
    // in progress.
    const size_t window = static_cast<size_t>(options_.http.max_total_connections) * 2 + 16;
    io_.StartReadAhead(window, [this] { client_.Wakeup(); });
    bool input_done = false;
    // Wake for the progress line on a terminal; otherwise only when a
    // transfer, the input, a digest or a signal needs attention.
    const Terminal& term = io_.terminal();
    const std::chrono::milliseconds tick(term.smart() && !term.quiet() ? 250 : 1000);
    while (status.ok()) {
      if (InterruptRequested()) {  // in-flight transfers are cancelled below
        status = first_error_.ok() ? Status::Interrupted() : first_error_;
        break;
      }
      while (!input_done && status.ok() && client_.pending() + digester_.pending() < window) {
        Record record;
        auto state = io_.TryRead(&record);
        if (!state.ok()) {
          status = state.status();
        } else if (*state == StageIo::ReadState::kEnd) {
          input_done = true;
        } else if (*state == StageIo::ReadState::kRecord) {
          status = Begin(std::move(record));
          continue;
        }
        break;
      }
      if (!status.ok()) break;
      if (input_done && client_.pending() == 0 && digester_.pending() == 0) break;
      Status polled = client_.Poll(tick);
      if (!polled.ok()) status = polled;
      if (status.ok()) status = digester_.RunFinished();
      if (status.ok()) status = first_error_;
      ShowProgress();
    }
    if (!status.ok()) {
      // Write what is in flight, and the records waiting for the same file,
      // saying why it stopped; nothing read is lost.
      stop_reason_ = status.code() == StatusCode::kInterrupted
                         ? std::string(HttpClient::kInterruptedWhy)
                         : "the run stopped before this download finished: " + status.message();
      if (client_.pending() > 0) client_.CancelAll(stop_reason_);
    }
    if (Status drained = digester_.Drain(); status.ok()) status = drained;
    if (status.ok()) status = first_error_;
    return io_.Finish(status, Summary());
  }

 private:
  // Starts work on one input record.
  Status Begin(Record record) {
    if (HasRecordError(record)) return io_.PassThrough(record);
    auto url = record.GetString(field::kUrl);
    if (!url || url->empty()) {
      SetRecordError(&record, kStage, "missing_url",
                     url ? "the record's \"url\" is empty" : "the record has no \"url\" field");
      return Emit(record);
    }
    const Target target = TargetFor(options_, record, *url);
    // A directory that cannot be made or read fails this record, not the
    // run (the rule for every file-system error: see man pix-fetch).
    auto existing = finished_.Find(target);
    if (!existing.ok()) return WriteFailed(std::move(record), existing.status());
    if (!existing->empty()) return WriteExisting(std::move(record), target, *existing);
    // Another record with the same URL and label is downloading the same file.
    if (auto it = waiting_.find(target.Key()); it != waiting_.end()) {
      it->second.push_back(std::move(record));
      return Status::Ok();
    }
    waiting_[target.Key()];
    return Submit(std::move(record), *url, target);
  }

  // Writes a record this stage handled. A password in the URL was used for
  // the request and is never written out.
  Status Emit(Record& record) {
    for (const char* key : {"url", "final_url"}) {
      if (auto url = record.GetString(key); url && url->find('@') != std::string::npos) {
        record.SetString(key, MaskUrlPassword(*url));
      }
    }
    return io_.Write(record);
  }

  Status WriteFailed(Record record, const Status& why) {
    SetRecordError(&record, kStage, "write_failed", why.message());
    return Emit(record);
  }

  // `counter`: what the file counts as in the summary (already present, or
  // a repeated URL of this run).
  Status WriteExisting(Record record, const Target& target, const std::string& path,
                       uint64_t* counter = nullptr) {
    uint64_t size = 0;
    auto hashed = Sha256File(path, &size);  // refuses a FIFO or device under the name
    if (!hashed.ok()) return WriteFailed(std::move(record), hashed.status());
    const std::string& digest = *hashed;
    // A record that already names this file with another hash means the file
    // changed under us: fetch again rather than trust it.
    if (auto known = record.GetString(field::kSha256); known && record.GetString(field::kPath) == path && *known != digest) {
      ::unlink(path.c_str());
      finished_.Remove(target);
      return Begin(std::move(record));
    }
    auto head = ReadFile(path, kSniffBytes);
    const FileKind kind = SniffKind(head.ok() ? *head : "");
    // A file already here is checked against a digest the record gives;
    // one from a checksum file was checked when the file was downloaded.
    if (auto expected = ExpectedSha256(record); expected && *expected != digest) {
      SetRecordError(&record, kStage, "checksum_mismatch",
                     fmt::format("{} (already present) has SHA-256 {}, expected_sha256 is {}; the "
                                 "file is left as it is",
                                 path, digest, *expected));
      return Emit(record);
    } else if (expected) {
      record.SetBool(kSha256Verified, true);
    }
    record.SetString(field::kPath, path);
    record.SetString(field::kSha256, digest);
    record.SetInt(field::kBytes, static_cast<int64_t>(size));
    record.SetString(field::kMime, MimeType(kind));
    ++*(counter ? counter : &already_present_);
    return Emit(record);
  }

  // The record's own expected_sha256 in lower case, when checksums are on.
  std::optional<std::string> ExpectedSha256(const Record& record) const {
    if (options_.checksum == ChecksumMode::kOff) return std::nullopt;
    auto expected = record.GetString(kExpectedSha256);
    if (!expected || !IsSha256Hex(*expected)) return std::nullopt;
    for (char& c : *expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return expected;
  }

  // Fails a record before its download started, and lets the records that
  // waited for the same file try on their own.
  Status Fail(Record record, const Target& target, std::string_view code, std::string_view message) {
    SetRecordError(&record, kStage, code, message);
    PIX_RETURN_IF_ERROR(Emit(record));
    return ReleaseWaiting(target, "");
  }

  // Where the digest a download must have comes from, then the download.
  Status Submit(Record record, const std::string& url, const Target& target) {
    if (options_.checksum == ChecksumMode::kOff) {
      return Download(std::move(record), url, target, std::nullopt);
    }
    if (auto expected = record.GetString(kExpectedSha256)) {
      if (!IsSha256Hex(*expected)) {
        return Fail(std::move(record), target, "bad_checksum",
                    "expected_sha256 is not 64 hex digits");
      }
      auto digest = ExpectedSha256(record);
      return Download(std::move(record), url, target, Checksum{*digest, "expected_sha256"});
    }
    if (auto listed = record.GetString(kSha256Url); listed && !listed->empty()) {
      return FetchChecksum(std::move(record), url, target, *listed, /*required=*/true);
    }
    if (options_.checksum == ChecksumMode::kBeside || options_.checksum == ChecksumMode::kRequire) {
      return FetchChecksum(std::move(record), url, target, Sha256UrlBeside(url),
                           options_.checksum == ChecksumMode::kRequire);
    }
    return Download(std::move(record), url, target, std::nullopt);
  }

  // Fetches the checksum file at `checksum_url`, then the download. When
  // `required`, a checksum file that cannot be had fails the record;
  // otherwise the download goes on unchecked.
  Status FetchChecksum(Record record, const std::string& url, const Target& target,
                       const std::string& checksum_url, bool required) {
    auto sink = std::make_shared<StringSink>();
    HttpRequest request;
    request.url = checksum_url;
    request.max_bytes = kMaxChecksumFileBytes;
    StringSink* raw = sink.get();
    client_.Submit(std::move(request), raw,
                   [this, sink, url, target, checksum_url, required,
                    record = std::move(record)](HttpResponse&& r) mutable {
                     Status s = ChecksumFetched(std::move(record), url, target, checksum_url,
                                                required, r, sink->body);
                     if (!s.ok() && first_error_.ok()) first_error_ = s;
                   });
    return Status::Ok();
  }

  Status ChecksumFetched(Record record, const std::string& url, const Target& target,
                         const std::string& checksum_url, bool required, const HttpResponse& r,
                         const std::string& body) {
    if (!stop_reason_.empty()) return Fail(std::move(record), target, "interrupted", stop_reason_);
    std::string why;
    if (!r.ok()) {
      why = fmt::format("{}: {}", r.error_code, r.error_message);
    } else if (r.status != 200) {
      why = fmt::format("HTTP {}", r.status);
    } else if (auto digest = ParseSha256File(body, UrlBaseName(url)); !digest.ok()) {
      why = digest.status().message();
    } else {
      return Download(std::move(record), url, target,
                      Checksum{*digest, MaskUrlPassword(checksum_url)});
    }
    if (!required) return Download(std::move(record), url, target, std::nullopt);
    const bool absent = r.ok() && (r.status == 404 || r.status == 410 || r.status == 403);
    const bool listed = record.GetString(kSha256Url).has_value();
    return Fail(std::move(record), target,
                absent && !listed ? "checksum_missing" : "checksum_unavailable",
                fmt::format("checksum file {}: {}", MaskUrlPassword(checksum_url), why));
  }

  Status Download(Record record, const std::string& url, const Target& target,
                  std::optional<Checksum> checksum) {
    uint64_t prefix = 0;
    HttpRequest request;
    if (options_.resume) {
      struct stat st {};
      if (::lstat(target.Part().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        prefix = static_cast<uint64_t>(st.st_size);
      }
      // Without a validator (the server sent none) the part is continued
      // unconditionally, as curl -C - does.
      if (prefix > 0) {
        auto validator = ReadFile(target.Validator(), 1024);
        if (validator.ok()) {
          std::string v = *validator;
          while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
          if (!v.empty() && v.find_first_of("\r\n") == std::string::npos) {
            request.headers.emplace_back("If-Range", v);
          }
        }
      }
    }
    auto sink = std::make_unique<FileSink>(target.Part(), options_.honour_noai, prefix,
                                           options_.resume ? target.Validator() : "");
    request.url = url;
    request.range_start = prefix;
    if (options_.referer == "page") {
      if (auto page = record.GetString(field::kPageUrl)) request.referer = *page;
    } else {
      request.referer = options_.referer;
    }
    FileSink* raw = sink.get();
    client_.Submit(std::move(request), raw,
                   [this, sink = std::shared_ptr<FileSink>(std::move(sink)), target, url,
                    checksum = std::move(checksum),
                    record = std::move(record)](HttpResponse&& r) mutable {
                     Status s = Done(std::move(record), *sink, target, url, checksum, r);
                     if (!s.ok() && first_error_.ok()) first_error_ = s;
                   });
    return Status::Ok();
  }

  // A download ended: finish the file and write its record and any records
  // that waited for the same file.
  Status Done(Record record, FileSink& sink, const Target& target, const std::string& url,
              const std::optional<Checksum>& checksum, const HttpResponse& r) {
    sink.Close();
    if (r.status > 0) record.SetInt(field::kHttpStatus, r.status);
    if (!r.final_url.empty()) record.SetString(field::kFinalUrl, r.final_url);
    if (auto ct = r.Header("content-type")) record.SetString("content_type", *ct);
    std::string code = r.error_code, message = r.error_message;
    if (code.empty()) {
      const FileKind kind = SniffKind(sink.head());
      if (!Refused(kind, sink.bytes(), r, &code, &message)) {
        bytes_ += r.body_bytes;
        return Keep(std::move(record), target, FinalName(target, url, kind), kind, sink.bytes(),
                    checksum);
      }
    }
    // A partial file is kept only with --resume, only when it has bytes,
    // and the message says which happened.
    if (ResumableError(code)) {
      if (options_.resume && sink.has_bytes()) {
        message += "; the partial file is kept for --resume";
      } else {
        RemovePart(target);
        if (sink.has_bytes()) message += "; the partial file was removed (--resume keeps it)";
      }
    } else {
      RemovePart(target);
    }
    return Fail(std::move(record), target, code, message);
  }

  // Whether a complete body is refused: empty, or (images only) not an image.
  bool Refused(FileKind kind, uint64_t bytes, const HttpResponse& r, std::string* code,
               std::string* message) const {
    if (bytes == 0) {
      *code = "empty_body";
      *message = "the server sent no bytes";
      return true;
    }
    if (options_.accept == AcceptTypes::kAny || IsRasterImage(kind)) return false;
    if (auto encoding = r.Header("content-encoding"); encoding && *encoding != "identity") {
      *code = "encoded_body";
      *message = fmt::format("body sent with Content-Encoding: {} although none was accepted",
                             *encoding);
    } else {
      *code = "not_an_image";
      *message = fmt::format("the bytes are {} (server said {})", MimeType(kind),
                             r.Header("content-type").value_or("nothing"));
    }
    return true;
  }

  std::string FinalName(const Target& target, const std::string& url, FileKind kind) const {
    if (options_.accept == AcceptTypes::kAny) return AnyTypeFileName(target.stem, url, kind);
    return target.stem + "." + FileExtension(kind);
  }

  void RemovePart(const Target& target) {
    ::unlink(target.Part().c_str());
    ::unlink(target.Validator().c_str());
  }

  // Gives a complete download its final name and writes its record when the
  // digest is known. With a checksum, the part file is hashed first and
  // renamed only when it matches.
  Status Keep(Record record, const Target& target, const std::string& name, FileKind kind,
              uint64_t bytes, const std::optional<Checksum>& checksum) {
    record.SetInt(field::kBytes, static_cast<int64_t>(bytes));
    record.SetString(field::kMime, MimeType(kind));
    record.SetString(field::kFetchedAt, Rfc3339Now());
    const std::string final_path = JoinPath(target.dir, name);
    if (!checksum) {
      bool moved = false;
      PIX_RETURN_IF_ERROR(MoveIntoPlace(&record, target, name, &moved));
      if (!moved) return ReleaseWaiting(target, "");
    }
    const std::string hashed = checksum ? target.Part() : final_path;
    digester_.Hash(hashed, [this, record = std::move(record), target, name, final_path,
                            checksum](Result<std::string> digest, uint64_t) mutable {
      if (!digest.ok()) {
        record.Remove(field::kPath);
        if (checksum) RemovePart(target);
        return Fail(std::move(record), target, "write_failed", digest.status().message());
      }
      record.SetString(field::kSha256, *digest);
      if (checksum) {
        if (*digest != checksum->digest) {
          RemovePart(target);
          return Fail(std::move(record), target, "checksum_mismatch",
                      fmt::format("the file's SHA-256 is {}, {} says {}; the bytes were removed",
                                  *digest, checksum->source, checksum->digest));
        }
        record.SetBool(kSha256Verified, true);
        bool moved = false;
        PIX_RETURN_IF_ERROR(MoveIntoPlace(&record, target, name, &moved));
        if (!moved) return ReleaseWaiting(target, "");
      }
      PIX_RETURN_IF_ERROR(Emit(record));
      return ReleaseWaiting(target, final_path);
    });
    return Status::Ok();
  }

  // Renames the part file to `name` and sets the record's path (*moved); on
  // failure writes the record with write_failed.
  Status MoveIntoPlace(Record* record, const Target& target, const std::string& name, bool* moved) {
    const std::string final_path = JoinPath(target.dir, name);
    if (std::rename(target.Part().c_str(), final_path.c_str()) != 0) {
      const int err = errno;
      RemovePart(target);
      record->Remove(field::kSha256);
      SetRecordError(record, kStage, "write_failed",
                     Status::FromErrno("rename to " + final_path, err).message());
      return Emit(*record);
    }
    ::unlink(target.Validator().c_str());
    finished_.Add(target, name);
    record->SetString(field::kPath, final_path);
    *moved = true;
    return Status::Ok();
  }

  Status ReleaseWaiting(const Target& target, const std::string& final_path) {
    auto node = waiting_.extract(target.Key());
    if (node.empty()) return Status::Ok();
    for (Record& waiter : node.mapped()) {
      if (final_path.empty() && !stop_reason_.empty()) {
        // The run is stopping: no new download; the record says why.
        SetRecordError(&waiter, kStage, "interrupted", stop_reason_);
        PIX_RETURN_IF_ERROR(Emit(waiter));
      } else if (!final_path.empty()) {
        PIX_RETURN_IF_ERROR(WriteExisting(std::move(waiter), target, final_path, &same_url_));
      } else {
        PIX_RETURN_IF_ERROR(Begin(std::move(waiter)));  // try again on its own
      }
    }
    return Status::Ok();
  }

  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  void ShowProgress() {
    const double mb = static_cast<double>(bytes_) / 1e6;
    io_.ShowProgress(fmt::format(", {} active, {:.1f} MB, {:.1f} MB/s", client_.active(), mb,
                                 mb / std::max(Seconds(), 1e-3)));
  }

  std::string Summary() const {
    const double mb = static_cast<double>(bytes_) / 1e6;
    std::string s = bytes_ == 0 ? "nothing downloaded"
                                : fmt::format("{:.1f} MB in {:.1f} s ({:.1f} MB/s)", mb, Seconds(),
                                              mb / std::max(Seconds(), 1e-3));
    if (already_present_) s += fmt::format(", {} already present", already_present_);
    if (same_url_) s += fmt::format(", {} repeated URLs", same_url_);
    return s;
  }

  const FetchOptions& options_;
  StageIo& io_;
  HttpClient client_;
  FileDigester digester_;  // after client_, whose Wakeup() it calls
  FinishedFiles finished_;
  std::unordered_map<std::string, std::vector<Record>> waiting_;  // target key -> records
  Status first_error_;
  std::string stop_reason_;  // set when a fatal stop or a signal ends the run
  uint64_t bytes_ = 0;
  uint64_t already_present_ = 0;
  uint64_t same_url_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

int RunFetch(const FetchOptions& options, StageIo& io) { return FetchRun(options, io).Run(); }

std::optional<std::string> FitToOpenFileLimit(FetchOptions* options, uint64_t open_file_limit) {
  HttpOptions& http = options->http;
  const int fits =
      SlotsForDescriptors(open_file_limit, kDescriptorsPerTransfer, kReservedDescriptors);
  if (http.max_total_connections <= fits) return std::nullopt;
  const std::string warning = fmt::format(
      "the open-file limit is {}: using -c {} instead of {} ({} descriptors per download; "
      "raise the limit with 'ulimit -n')",
      open_file_limit, fits, http.max_total_connections, kDescriptorsPerTransfer);
  http.max_total_connections = fits;
  http.max_host_connections = std::min(http.max_host_connections, fits);
  return warning;
}

}  // namespace pix
