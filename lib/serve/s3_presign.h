// Presigned GET URLs for S3-compatible object storage (AWS S3, Cloudflare R2,
// MinIO, Ceph RGW): AWS Signature Version 4 in the query string, so anyone
// holding the URL may download the object until it expires, with no
// credentials of their own.
//
// Addressing: virtual-hosted ("https://bucket.s3.region.amazonaws.com/key")
// or path-style ("https://s3.region.amazonaws.com/bucket/key"); a custom
// endpoint ("http://127.0.0.1:9000" for MinIO, "https://<account>.r2.
// cloudflarestorage.com" for R2) replaces the AWS host. Buckets with dots use
// path-style, because a dotted virtual host breaks the TLS certificate match.
//
// Pure functions (the caller supplies the clock and the credentials; the
// library reads no environment); thread-safe. Failure modes: InvalidArgument
// for a malformed s3:// URI or endpoint, an expiry outside 1..604800 seconds
// (SigV4's limit) or missing credentials.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace pix {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only; signed into the URL
};

enum class S3Addressing { kAuto, kVirtualHosted, kPathStyle };

struct S3PresignRequest {
  std::string bucket;
  std::string key;                  // object key, without a leading '/'
  std::string region = "us-east-1";
  // Scheme, host and optional port, e.g. "http://127.0.0.1:9000"; empty for AWS.
  std::string endpoint;
  // kAuto: virtual-hosted on AWS, path-style on a custom endpoint (what MinIO
  // and Ceph expect by default).
  S3Addressing addressing = S3Addressing::kAuto;
  int64_t expires_s = 3600;         // 1..604800
  int64_t now = 0;                  // unix seconds: the signing time
};

// Splits "s3://bucket/key/with/slashes" into bucket and key.
Status ParseS3Uri(const std::string& uri, std::string* bucket, std::string* key);

// The presigned URL.
Result<std::string> PresignS3Get(const S3PresignRequest& request, const S3Credentials& credentials);

}  // namespace pix
