#include "pack/label_files.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

namespace pix {
namespace {

// The text a streaming writer produces, whole.
template <typename Fn>
std::string Text(Fn write) {
  std::string text;
  REQUIRE(write([&](std::string_view s) {
            text.append(s);
            return Status::Ok();
          }).ok());
  return text;
}

std::string LabelsJson(const std::vector<PackEntry>& e) {
  return Text([&](const TextSink& out) { return WriteLabelsJson(e, out); });
}
std::string LabelsCsv(const std::vector<PackEntry>& e) {
  return Text([&](const TextSink& out) { return WriteLabelsCsv(e, out); });
}
std::string LabelsYaml(const std::vector<PackEntry>& e) {
  return Text([&](const TextSink& out) { return WriteLabelsYaml(e, out); });
}
std::string LabelsTxt(const std::vector<PackEntry>& e) {
  return Text([&](const TextSink& out) { return WriteLabelsTxt(e, out); });
}

std::vector<PackEntry> Sample() {
  PackEntry a;
  a.path = "train/cat/tabby-01234567.jpg";
  a.label = "cat";
  a.split = "train";
  a.sha256 = std::string(64, 'a');
  a.bytes = 1234;
  a.width = 640;
  a.height = 480;
  a.format = "jpeg";
  a.confidence = 0.75;
  a.needs_review = true;
  a.url = "https://x/tabby.jpg";
  a.license = "cc-by";
  a.creator = "Ann \"the cat\", Jr.\nsecond line\tand a tab";
  a.title = "A [link](javascript:x) <b>";
  a.engines = {"bing", "openverse"};
  a.queries = {"cat"};
  a.cluster = "7";
  PackEntry b;
  b.path = "test/dog/d-89abcdef.png";
  b.label = "dog";
  b.split = "test";
  b.sha256 = std::string(64, 'b');
  return {a, b};
}

TEST_CASE("labels.json reads back into the same entries") {
  auto entries = Sample();
  const std::string text = LabelsJson(entries);
  auto back = ParseLabelsJson(text, "labels.json");
  REQUIRE(back.ok());
  REQUIRE(back->size() == 2);
  const PackEntry& a = (*back)[0];
  CHECK(a.path == entries[0].path);
  CHECK(a.creator == entries[0].creator);
  CHECK(a.confidence == doctest::Approx(0.75));
  CHECK(a.needs_review);
  CHECK(a.engines == entries[0].engines);
  CHECK(a.cluster == "7");
  CHECK(a.width == 640);
  CHECK(!(*back)[1].confidence);
  CHECK(!ParseLabelsJson("{", "x").ok());
  CHECK(!ParseLabelsJson("[{\"label\":\"a\"}]", "x").ok());
}

TEST_CASE("ReadLabelsJson reads pix-pack's layout line by line and any other layout whole") {
  char tmpl[] = "/tmp/pix-labels-json-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string path = std::string(tmpl) + "/labels.json";
  auto read = [&](std::string_view text) {
    REQUIRE(WriteFileAtomic(path, text).ok());
    return ReadLabelsJson(path);
  };
  const auto entries = Sample();
  const std::string text = LabelsJson(entries);
  REQUIRE(text.find("\n]\n") != std::string::npos);  // the layout read line by line
  std::string one_line = text;  // as a person's tool might re-write it
  std::erase(one_line, '\n');
  for (const std::string& form : {text, one_line}) {
    auto back = read(form);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 2);
    CHECK((*back)[0].creator == entries[0].creator);
    CHECK((*back)[0].cluster == "7");
    CHECK((*back)[1].path == entries[1].path);
  }
  auto empty = read(LabelsJson({}));
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  // What is not JSON stays an error, whichever way it is read.
  CHECK(read(text.substr(0, text.size() - 2)).status().code() == StatusCode::kCorruption);
  std::string trailing_comma = text;
  trailing_comma.insert(trailing_comma.rfind("\n]"), ",");
  CHECK(read(trailing_comma).status().code() == StatusCode::kCorruption);
  std::string no_comma = text;
  no_comma.erase(no_comma.find(",\n"), 1);
  CHECK(read(no_comma).status().code() == StatusCode::kCorruption);
  auto no_sha = read("[\n{\"path\":\"a/b.jpg\",\"label\":\"a\"}\n]\n");
  CHECK(no_sha.status().code() == StatusCode::kCorruption);
  CHECK(no_sha.status().message().find("lacks path or sha256") != std::string::npos);
  CHECK(ReadLabelsJson(std::string(tmpl) + "/missing.json").status().code() ==
        StatusCode::kNotFound);
  (void)RemoveTree(tmpl);
}

TEST_CASE("labels.csv quotes what needs quoting; labels.txt keeps one line per image") {
  auto entries = Sample();
  const std::string csv = LabelsCsv(entries);
  CHECK(csv.rfind("path,label,split,confidence,needs_review,width,height,sha256", 0) == 0);
  CHECK(csv.find("\"Ann \"\"the cat\"\", Jr.\nsecond line\tand a tab\"") != std::string::npos);
  const std::string txt = LabelsTxt(entries);
  size_t lines = 0;
  for (char c : txt) lines += c == '\n';
  CHECK(lines == 3);
  CHECK(txt.find("Ann \"the cat\", Jr. second line and a tab") != std::string::npos);
}

TEST_CASE("labels.yaml parses as YAML with the same values") {
  auto entries = Sample();
  YAML::Node doc = YAML::Load(LabelsYaml(entries));
  REQUIRE(doc.IsSequence());
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["path"].as<std::string>() == entries[0].path);
  CHECK(doc[0]["creator"].as<std::string>() == entries[0].creator);
  CHECK(doc[0]["confidence"].as<double>() == doctest::Approx(0.75));
  CHECK(doc[0]["needs_review"].as<bool>());
  CHECK(doc[1]["confidence"].IsNull());
  CHECK(YAML::Load(LabelsYaml({})).IsSequence());
}

TEST_CASE("classes.txt follows ImageFolder's sorted folder order; metadata.jsonl per split") {
  std::map<std::string, std::string> folders = {{"cat", "cat"}, {"Zebra", "Zebra"}, {"ant", "ant"}};
  CHECK(ClassesTxt(folders) == "Zebra\nant\ncat\n");  // code-point order, as sorted() in Python
  const auto entries = Sample();
  CHECK(MetadataJsonlFolders(entries) == std::set<std::string>{"test", "train"});
  CHECK(MetadataJsonlFolders({}) == std::set<std::string>{""});
  const std::string train =
      Text([&](const TextSink& out) { return WriteMetadataJsonl(entries, "train", out); });
  CHECK(train.find("\"file_name\":\"cat/tabby-01234567.jpg\"") != std::string::npos);
  CHECK(train.find("dog") == std::string::npos);
  const std::string test =
      Text([&](const TextSink& out) { return WriteMetadataJsonl(entries, "test", out); });
  CHECK(test == Text([&](const TextSink& out) { return WriteMetadataJsonl(entries, "test", out); }));
  CHECK(test.find("\"file_name\":\"dog/d-89abcdef.png\"") != std::string::npos);
}

TEST_CASE("ATTRIBUTION.md groups by licence and escapes Markdown") {
  const auto entries = Sample();
  const std::string md =
      Text([&](const TextSink& out) { return WriteAttributionMd(entries, "pets", out); });
  CHECK(md.find("## cc\\-by (1 images)") != std::string::npos);
  CHECK(md.find("\\[link\\]\\(javascript:x\\) \\<b\\>") != std::string::npos);
  CHECK(md.find("d-89abcdef") == std::string::npos);  // no licence, no creator: not listed
}

TEST_CASE("EntryField names each column's value") {
  const PackEntry a = Sample()[0];
  CHECK(EntryField(a, "path") == a.path);
  CHECK(EntryField(a, "split") == "train");
  CHECK(EntryField(a, "confidence") == "0.75");
  CHECK(EntryField(a, "needs_review") == "true");
  CHECK(EntryField(a, "height") == "480");
  CHECK(EntryField(a, "bytes") == "1234");
  CHECK(EntryField(a, "format") == "jpeg");
  CHECK(EntryField(a, "license") == "cc-by");
  CHECK(EntryField(a, "creator") == a.creator);
  CHECK(EntryField(a, "quality").empty());
  CHECK(EntryField(a, "no such column").empty());
}

TEST_CASE("a sink's error ends the file") {
  int calls = 0;
  Status s = WriteLabelsCsv(Sample(), [&](std::string_view) {
    return ++calls == 2 ? Status::IoError("disk full") : Status::Ok();
  });
  CHECK(s.message() == "disk full");
  CHECK(calls == 2);
}

}  // namespace
}  // namespace pix
