#include "serve/s3_presign.h"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>
#include <utility>
#include <vector>

#include "http/url.h"
#include "hash/sha256.h"
#include "serve/hmac.h"
#include "serve/signed_link.h"

namespace pix {
Status ParseS3Uri(const std::string& uri, std::string* bucket, std::string* key) {
  constexpr std::string_view kScheme = "s3://";
  const size_t slash = uri.find('/', kScheme.size());
  if (uri.compare(0, kScheme.size(), kScheme) != 0 || slash == std::string::npos ||
      slash == kScheme.size() || slash + 1 == uri.size()) {
    return Status::InvalidArgument(fmt::format("bad S3 URI '{}' (want s3://BUCKET/KEY)", uri));
  }
  *bucket = uri.substr(kScheme.size(), slash - kScheme.size());
  *key = uri.substr(slash + 1);
  return Status::Ok();
}

Result<std::string> PresignS3Get(const S3PresignRequest& r, const S3Credentials& c) {
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "no S3 credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  if (r.expires_s < 1 || r.expires_s > 604800) {
    return Status::InvalidArgument(fmt::format(
        "S3 presigned URLs last 1 to 604800 seconds (7 days); asked for {}", r.expires_s));
  }
  if (r.bucket.empty() || r.key.empty() || r.region.empty()) {
    return Status::InvalidArgument("S3 presign needs a bucket, a key and a region");
  }
  std::string scheme = "https";
  std::string host;
  if (r.endpoint.empty()) {
    host = r.region == "us-east-1" ? "s3.amazonaws.com" : fmt::format("s3.{}.amazonaws.com", r.region);
  } else {
    const size_t sep = r.endpoint.find("://");
    if (sep == std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "bad endpoint '{}' (want http://HOST[:PORT] or https://HOST[:PORT])", r.endpoint));
    }
    scheme = r.endpoint.substr(0, sep);
    host = r.endpoint.substr(sep + 3);
    while (!host.empty() && host.back() == '/') host.pop_back();
    if ((scheme != "http" && scheme != "https") || host.empty() ||
        host.find('/') != std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "bad endpoint '{}' (want http://HOST[:PORT] or https://HOST[:PORT])", r.endpoint));
    }
  }
  bool path_style = r.addressing == S3Addressing::kPathStyle;
  if (r.addressing == S3Addressing::kAuto) path_style = !r.endpoint.empty();
  if (r.bucket.find('.') != std::string::npos) path_style = true;
  // Keys are encoded like link paths: each segment, '/' kept (SigV4 asks the same).
  std::string path = "/" + EncodeLinkPath(r.key);
  if (path_style) {
    path = "/" + UrlEncode(r.bucket) + path;
  } else {
    host = r.bucket + "." + host;
  }

  const time_t now = static_cast<time_t>(r.now);
  struct tm tm {};
  gmtime_r(&now, &tm);
  const std::string date = fmt::format("{:04}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  const std::string stamp =
      fmt::format("{}T{:02}{:02}{:02}Z", date, tm.tm_hour, tm.tm_min, tm.tm_sec);
  const std::string scope = fmt::format("{}/{}/s3/aws4_request", date, r.region);

  std::vector<std::pair<std::string, std::string>> query = {
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", c.access_key_id + "/" + scope},
      {"X-Amz-Date", stamp},
      {"X-Amz-Expires", std::to_string(r.expires_s)},
      {"X-Amz-SignedHeaders", "host"},
  };
  if (!c.session_token.empty()) query.emplace_back("X-Amz-Security-Token", c.session_token);
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [name, value] : query) {
    if (!canonical_query.empty()) canonical_query.push_back('&');
    canonical_query += UrlEncode(name) + "=" + UrlEncode(value);
  }
  const std::string canonical_request = fmt::format(
      "GET\n{}\n{}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD", path, canonical_query, host);
  const std::string string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", stamp, scope,
                                                 Sha256Hex(canonical_request));
  std::string key = HmacSha256("AWS4" + c.secret_access_key, date);
  key = HmacSha256(key, r.region);
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  const std::string signature = HexEncode(HmacSha256(key, string_to_sign));
  return fmt::format("{}://{}{}?{}&X-Amz-Signature={}", scheme, host, path, canonical_query,
                     signature);
}

}  // namespace pix
