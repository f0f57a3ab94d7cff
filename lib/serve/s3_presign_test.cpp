#include "serve/s3_presign.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {

namespace {
const S3Credentials kAwsExample{"AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z
}  // namespace

// AWS's published example for query-string authentication (S3 API reference,
// "Authenticating Requests: Using Query Parameters").
TEST_CASE("PresignS3Get reproduces AWS's example") {
  S3PresignRequest r;
  r.bucket = "examplebucket";
  r.key = "test.txt";
  r.region = "us-east-1";
  r.expires_s = 86400;
  r.now = k20130524;
  auto url = PresignS3Get(r, kAwsExample);
  REQUIRE(url.ok());
  CHECK(*url ==
        "https://examplebucket.s3.amazonaws.com/test.txt"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST_CASE("PresignS3Get addressing styles and endpoints") {
  S3PresignRequest r;
  r.bucket = "data";
  r.key = "sets/cats v1.tar";
  r.region = "eu-west-1";
  r.now = k20130524;
  auto virtual_hosted = PresignS3Get(r, kAwsExample);
  REQUIRE(virtual_hosted.ok());
  CHECK(virtual_hosted->rfind("https://data.s3.eu-west-1.amazonaws.com/sets/cats%20v1.tar?", 0) == 0);
  CHECK(virtual_hosted->find("%2Feu-west-1%2Fs3%2F") != std::string::npos);

  r.addressing = S3Addressing::kPathStyle;
  auto path = PresignS3Get(r, kAwsExample);
  REQUIRE(path.ok());
  CHECK(path->rfind("https://s3.eu-west-1.amazonaws.com/data/sets/cats%20v1.tar?", 0) == 0);
  CHECK(*path != *virtual_hosted);  // the host and path are signed

  r.addressing = S3Addressing::kAuto;
  r.endpoint = "http://127.0.0.1:9000/";
  auto minio = PresignS3Get(r, kAwsExample);
  REQUIRE(minio.ok());
  CHECK(minio->rfind("http://127.0.0.1:9000/data/sets/cats%20v1.tar?", 0) == 0);

  r.endpoint.clear();
  r.bucket = "my.dotted.bucket";
  auto dotted = PresignS3Get(r, kAwsExample);
  REQUIRE(dotted.ok());
  CHECK(dotted->rfind("https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/", 0) == 0);
}

TEST_CASE("PresignS3Get signs a session token and refuses bad input") {
  S3PresignRequest r;
  r.bucket = "b";
  r.key = "k";
  r.now = k20130524;
  S3Credentials temporary = kAwsExample;
  temporary.session_token = "token/with+chars";
  auto url = PresignS3Get(r, temporary);
  REQUIRE(url.ok());
  CHECK(url->find("&X-Amz-Security-Token=token%2Fwith%2Bchars&X-Amz-SignedHeaders=host") !=
        std::string::npos);
  r.expires_s = 604801;
  CHECK_FALSE(PresignS3Get(r, kAwsExample).ok());
  r.expires_s = 60;
  CHECK_FALSE(PresignS3Get(r, S3Credentials{}).ok());
  r.endpoint = "ftp://x";
  CHECK_FALSE(PresignS3Get(r, kAwsExample).ok());
}

TEST_CASE("ParseS3Uri") {
  std::string bucket, key;
  REQUIRE(ParseS3Uri("s3://bucket/a/b.tar", &bucket, &key).ok());
  CHECK(bucket == "bucket");
  CHECK(key == "a/b.tar");
  for (const char* bad : {"s3://bucket", "s3://bucket/", "s3:///key", "http://b/k", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseS3Uri(bad, &bucket, &key).ok());
  }
}

}  // namespace pix
