#include "serve/serve_commands.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

TEST_CASE("ServeSecret: --secret-file, else PIX_SERVE_SECRET through the lookup") {
  ServeFlags f;
  auto none = ServeSecret(f, EnvFromMap({}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == StatusCode::kInvalidArgument);
  CHECK(none.status().message().find("--secret-file") != std::string::npos);
  auto short_one = ServeSecret(f, EnvFromMap({{"PIX_SERVE_SECRET", "short"}}));
  REQUIRE_FALSE(short_one.ok());
  CHECK(short_one.status().message().find("PIX_SERVE_SECRET") != std::string::npos);
  CHECK(*ServeSecret(f, EnvFromMap({{"PIX_SERVE_SECRET", kSecret}})) == kSecret);
  f.secret_file = "/nonexistent/secret";
  CHECK_FALSE(ServeSecret(f, EnvFromMap({{"PIX_SERVE_SECRET", kSecret}})).ok());
}

TEST_CASE("PresignFromFlags: region and endpoint from the flags, else the AWS_* variables") {
  ServeFlags f;
  f.s3 = "s3://bucket/a/b.tar.zst";
  const EnvLookup env = EnvFromMap({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                    {"AWS_SECRET_ACCESS_KEY", "secret"},
                                    {"AWS_DEFAULT_REGION", "eu-west-1"}});
  auto url = PresignFromFlags(f, 3600, 1700000000, env);
  REQUIRE(url.ok());
  CHECK(url->find("https://bucket.s3.eu-west-1.amazonaws.com/a/b.tar.zst?") == 0);
  CHECK(url->find("AKIDEXAMPLE") != std::string::npos);

  f.region = "us-west-2";
  f.endpoint = "http://127.0.0.1:9000";
  url = PresignFromFlags(f, 3600, 1700000000, env);
  REQUIRE(url.ok());
  CHECK(url->find("http://127.0.0.1:9000/bucket/a/b.tar.zst?") == 0);  // auto: path-style
  CHECK(url->find("us-west-2") != std::string::npos);

  CHECK_FALSE(PresignFromFlags(f, 3600, 1700000000, EnvFromMap({})).ok());  // no credentials
  f.s3 = "http://bucket/key";
  CHECK(PresignFromFlags(f, 3600, 1700000000, env).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("VerifyLinkLine: valid, expired and tampered links, full URL or path") {
  const LinkSigner signer(kSecret);
  const std::string link = *signer.Link("cats/a.jpg", 2000);
  auto valid = VerifyLinkLine(signer, "https://data.example" + link, 1000);
  CHECK(valid.exit_code == 0);
  CHECK(valid.line.find("valid: cats/a.jpg until ") == 0);
  CHECK(valid.line.find("(1000 s left)\n") != std::string::npos);
  auto expired = VerifyLinkLine(signer, link, 3000);
  CHECK(expired.exit_code == 1);
  CHECK(expired.line.find("expired: cats/a.jpg at ") == 0);
  std::string tampered = link;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto bad = VerifyLinkLine(signer, tampered, 1000);
  CHECK(bad.exit_code == 1);
  CHECK(bad.line.find("invalid: missing or wrong signature") == 0);
}

TEST_CASE("RunServeCommand: sign and verify write to `out`; usage errors exit 2") {
  Terminal terminal("pix-serve", true);
  std::string out;
  const TextOut capture = [&out](std::string_view text) { out += text; };
  const EnvLookup env = EnvFromMap({{"PIX_SERVE_SECRET", kSecret}});

  ServeFlags f;
  CHECK(RunServeCommand(f, env, capture, &terminal) == 2);  // no command
  f.command = "sign";
  CHECK(RunServeCommand(f, env, capture, &terminal) == 2);  // no PATH
  f.arg = "cats/a.jpg";
  CHECK(RunServeCommand(f, EnvFromMap({}), capture, &terminal) == 2);  // no secret
  f.expires = "soon";
  CHECK(RunServeCommand(f, env, capture, &terminal) == 2);
  CHECK(out.empty());

  f.expires = "1h";
  f.base_url = "https://data.example/";
  REQUIRE(RunServeCommand(f, env, capture, &terminal) == 0);
  REQUIRE(out.find("https://data.example/d/cats/a.jpg?expires=") == 0);
  REQUIRE(out.back() == '\n');

  ServeFlags verify;
  verify.command = "verify";
  verify.arg = out.substr(0, out.size() - 1);
  out.clear();
  CHECK(RunServeCommand(verify, env, capture, &terminal) == 0);
  CHECK(out.find("valid: cats/a.jpg until ") == 0);
}

}  // namespace
}  // namespace pix
