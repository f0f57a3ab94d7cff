// Names and checksums for pix-fetch's "any type" downloads (--accept any):
// archives, documents and other files that are not images.
//
// An image is named by its URL's hash and the type its bytes show
// ("3f2a9c1b4d5e6f70.jpg"). Any other file keeps a name a person knows, the
// one the URL gives it, behind the same hash: "3f2a9c1b4d5e6f70-dataset.zip".
// The hash keeps two URLs that end in the same name apart, and lets a re-run
// find the file again; the URL's name keeps the extension that other
// programs go by (pix-pack verify tells ".zip", ".7z" and ".tar.zst" apart by
// it). The URL's last path segment is percent-decoded and then made safe
// (SanitizeFileName): "/", "\\", NUL, ".." and control characters cannot
// leave the directory, whatever the URL encodes ("..%2F..%2Fetc").
//
// A checksum file is what `sha256sum` and pix-pack write: lines of
// "<64 hex digits>  <name>" (or " *<name>" for binary mode).
//
// Pure functions; thread-safe. Failure modes: ParseSha256File returns
// kInvalidArgument for text that is not such a file or has no line for the
// name.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "image/sniff.h"

namespace pix {

// Longest stem kept from a URL's name, in bytes (cut at a UTF-8 boundary),
// so that "<key>-<stem>.<ext>" stays within one path component.
inline constexpr size_t kMaxUrlStemBytes = 200;

// The last segment of the URL's path, percent-decoded, before any
// sanitising; "" when the path is empty or ends in "/".
std::string UrlBaseName(std::string_view url);

// The file name of a download in any-type mode: "<key>-<stem>.<ext>" from the
// URL's safe base name (the extension in lower case; the sniffed type's
// extension added when the URL's name has none and `kind` is known), or
// "<key>.<ext>" of `kind` when the URL names no file.
std::string AnyTypeFileName(std::string_view key, std::string_view url, FileKind kind);

// The URL without the query parameters that sign a time-limited link:
// pix-serve's expires and sig, S3's X-Amz-Algorithm, -Credential, -Date,
// -Expires, -SignedHeaders, -Signature and -Security-Token. Two links to
// one file signed at different times are then one download, so a fresh link
// resumes what an expired one left (If-Range guards against a changed file).
std::string WithoutLinkSignature(std::string_view url);

// Whether `text` is 64 hex digits.
bool IsSha256Hex(std::string_view text);

// The URL of the checksum file beside `url`: ".sha256" appended to its path,
// query and fragment kept as they are ("http://h/a.zip?x=1" ->
// "http://h/a.zip.sha256?x=1").
std::string Sha256UrlBeside(std::string_view url);

// The digest (lower-case hex) a checksum file gives for the file `name`: its
// only line, or the line whose name (or that name's last path segment) is
// `name`.
Result<std::string> ParseSha256File(std::string_view text, std::string_view name);

}  // namespace pix
