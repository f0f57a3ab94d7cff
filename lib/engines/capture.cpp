#include "engines/capture.h"

#include <fmt/format.h>

#include <cctype>

#include "base/files.h"
#include "engines/search_stage.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Extension(const HttpResponse& response) {
  const std::string type = Lower(response.Header("content-type").value_or(""));
  if (type.find("json") != std::string::npos) return "json";
  if (type.find("html") != std::string::npos || type.find("xml") != std::string::npos) {
    return "html";
  }
  return "txt";
}

}  // namespace

bool IsSecretHeader(std::string_view name) {
  const std::string n = Lower(name);
  return n == "authorization" || n == "proxy-authorization" || n == "x-api-key" || n == "api-key" ||
         n == "ocp-apim-subscription-key" || n == "x-goog-api-key";
}

Result<std::unique_ptr<ResponseCapture>> ResponseCapture::Open(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  Status made = MakeDirs(dir);
  if (!made.ok()) return made.WithContext("--capture");
  return std::unique_ptr<ResponseCapture>(new ResponseCapture(std::move(dir)));
}

Status ResponseCapture::Save(std::string_view engine, std::string_view query,
                             const HttpRequest& request, const HttpResponse& response,
                             std::string_view body) {
  const std::string stem = JoinPath(dir_, fmt::format("{:04}-{}", ++saved_, engine));
  JsonBuilder req;
  req.BeginObject().Key("engine").String(engine).Key("query").String(query);
  req.Key("method").String(request.method).Key("url").String(MaskSecrets(request.url));
  req.Key("headers").BeginObject();
  if (!request.referer.empty()) req.Key("Referer").String(request.referer);
  for (const auto& [name, value] : request.headers) {
    req.Key(name).String(IsSecretHeader(name) ? "***" : value);
  }
  req.EndObject().EndObject();

  const std::string body_file =
      fmt::format("{:04}-{}.body.{}", saved_, engine, Extension(response));
  JsonBuilder res;
  res.BeginObject().Key("status").Int(response.status);
  res.Key("final_url").String(MaskSecrets(response.final_url));
  res.Key("headers").BeginObject();
  for (const auto& [name, value] : response.headers) res.Key(name).String(value);
  res.EndObject();
  res.Key("body_file").String(body_file).Key("bytes").Int(static_cast<int64_t>(body.size()));
  if (!response.ok()) {
    res.Key("error_code").String(response.error_code);
    res.Key("error_message").String(response.error_message);
  }
  res.EndObject();

  PIX_RETURN_IF_ERROR(WriteFileAtomic(stem + ".request.json", req.str() + "\n"));
  PIX_RETURN_IF_ERROR(WriteFileAtomic(stem + ".response.json", res.str() + "\n"));
  return WriteFileAtomic(JoinPath(dir_, body_file), body);
}

}  // namespace pix
