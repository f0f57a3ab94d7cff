#include "text/wordnet.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <iterator>
#include <unordered_set>

#include "base/files.h"
#include "text/query_text.h"

namespace pix {
namespace {

// Splits a line on single spaces (the database's only separator).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t end = line.find(' ', i);
    if (end == std::string_view::npos) end = line.size();
    if (end > i) out.push_back(line.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out, int base = 10) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

// "red_fox" for "Red  fox": WordNet's index keys are lower case with '_'.
std::string IndexKey(std::string_view word) {
  std::string key = FoldQuery(word);
  for (char& c : key) {
    if (c == ' ') c = '_';
  }
  return key;
}

std::string DisplayWord(std::string_view word) {
  // Adjective markers such as "(a)" never occur in nouns, but cost nothing.
  const size_t paren = word.find('(');
  if (paren != std::string_view::npos && word.back() == ')') word = word.substr(0, paren);
  std::string out(word);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The regular noun endings of WordNet's morphy(), in its order.
constexpr std::pair<std::string_view, std::string_view> kNounSuffixes[] = {
    {"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
    {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"},
};

}  // namespace

Result<int> ParseWordNetSense(std::string_view text) {
  if (text == "auto") return kAutoSense;
  int sense = 0;
  if (!ParseNumber(text, &sense) || sense < 1) {
    return Status::InvalidArgument("WordNet sense \"" + std::string(text) +
                                   "\": expected auto or a number from 1");
  }
  return sense;
}

Result<std::unique_ptr<WordNet>> WordNet::Open(const std::string& dir) {
  const std::string index_path = JoinPath(dir, "index.noun");
  const std::string data_path = JoinPath(dir, "data.noun");
  for (const std::string& path : {index_path, data_path}) {
    if (!FileExists(path)) {
      return Status::NotFound(fmt::format(
          "WordNet database not found: {} is missing; install it with `apt-get install "
          "wordnet-base` (or scripts/install-deps runtime), or point --wordnet-dir at a "
          "WordNet 3.0 dict directory",
          path));
    }
  }
  std::unique_ptr<WordNet> wn(new WordNet());
  wn->dir_ = dir;
  PIX_ASSIGN_OR_RETURN(wn->index_, ReadFile(index_path));
  wn->data_fd_ = ::open(data_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (wn->data_fd_ < 0) return Status::FromErrno(data_path, errno);

  const std::string exc_path = JoinPath(dir, "noun.exc");
  if (FileExists(exc_path)) {
    PIX_ASSIGN_OR_RETURN(std::string exc, ReadFile(exc_path));
    size_t pos = 0;
    while (pos < exc.size()) {
      size_t end = exc.find('\n', pos);
      if (end == std::string::npos) end = exc.size();
      auto fields = Fields(std::string_view(exc).substr(pos, end - pos));
      for (size_t i = 1; i < fields.size(); ++i) {
        wn->exceptions_.emplace(std::string(fields[0]), std::string(fields[i]));
      }
      pos = end + 1;
    }
  }
  return wn;
}

WordNet::~WordNet() {
  if (data_fd_ >= 0) ::close(data_fd_);
}

std::vector<uint32_t> WordNet::LookUp(std::string_view key, int* ranked) const {
  std::vector<uint32_t> offsets;
  if (ranked) *ranked = 0;
  if (key.empty()) return offsets;
  const std::string_view index(index_);
  size_t lo = 0;
  size_t hi = index.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    size_t start = mid;
    while (start > 0 && index[start - 1] != '\n') --start;
    size_t end = index.find('\n', start);
    if (end == std::string_view::npos) end = index.size();
    const std::string_view line = index.substr(start, end - start);
    // License lines start with a space, so their key is "" and sorts first.
    const std::string_view line_key = line.substr(0, line.find(' '));
    if (line_key < key) {
      lo = end + 1;
    } else if (key < line_key) {
      hi = start;
    } else {
      // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
      auto f = Fields(line);
      size_t synset_cnt = 0;
      size_t p_cnt = 0;
      if (f.size() < 4 || !ParseNumber(f[2], &synset_cnt) || !ParseNumber(f[3], &p_cnt)) break;
      const size_t first = 4 + p_cnt + 2;
      if (ranked && first - 1 < f.size() && !ParseNumber(f[first - 1], ranked)) *ranked = 0;
      for (size_t i = first; i < f.size() && offsets.size() < synset_cnt; ++i) {
        uint32_t off = 0;
        if (ParseNumber(f[i], &off)) offsets.push_back(off);
      }
      break;
    }
  }
  return offsets;
}

std::vector<uint32_t> WordNet::NounSenses(std::string_view word, std::string* lemma,
                                          int* ranked) const {
  const std::string key = IndexKey(word);
  std::vector<std::string> candidates = {key};
  auto [begin, end] = exceptions_.equal_range(key);
  for (auto it = begin; it != end; ++it) candidates.push_back(it->second);
  for (const auto& [suffix, replacement] : kNounSuffixes) {
    if (key.size() > suffix.size() && key.ends_with(suffix)) {
      candidates.push_back(key.substr(0, key.size() - suffix.size()) + std::string(replacement));
    }
  }
  for (const std::string& candidate : candidates) {
    auto offsets = LookUp(candidate, ranked);
    if (!offsets.empty()) {
      if (lemma) *lemma = candidate;
      return offsets;
    }
  }
  return {};
}

Result<WordNetSynset> WordNet::ReadSynset(uint32_t offset) const {
  const auto corrupt = [&](std::string_view why) {
    return Status::Corruption(
        fmt::format("{}: synset {:08}: {}", JoinPath(dir_, "data.noun"), offset, why));
  };
  std::string line;
  char buf[4096];
  for (off_t pos = offset;;) {
    ssize_t n = ::pread(data_fd_, buf, sizeof buf, pos);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(JoinPath(dir_, "data.noun"), errno);
    }
    const std::string_view chunk(buf, static_cast<size_t>(n));
    const size_t nl = chunk.find('\n');
    line.append(chunk.substr(0, nl));
    if (nl != std::string_view::npos || n == 0) break;
    if (line.size() > (1u << 20)) return corrupt("line longer than 1 MiB");
    pos += n;
  }
  // offset lex_filenum ss_type w_cnt word lex_id ... p_cnt ptr... | gloss
  const size_t bar = line.find(" | ");
  auto f = Fields(std::string_view(line).substr(0, bar));
  uint32_t own = 0;
  if (f.empty() || !ParseNumber(f[0], &own) || own != offset) {
    return corrupt("no synset starts at this offset");
  }
  WordNetSynset synset;
  synset.offset = offset;
  if (bar != std::string::npos) synset.gloss = line.substr(bar + 3);
  while (!synset.gloss.empty() && synset.gloss.back() == ' ') synset.gloss.pop_back();
  size_t w_cnt = 0;
  if (f.size() < 4 || !ParseNumber(f[3], &w_cnt, 16)) return corrupt("bad word count");
  if (!ParseNumber(f[1], &synset.lex_file)) return corrupt("bad lexicographer file number");
  size_t i = 4;
  for (size_t w = 0; w < w_cnt; ++w, i += 2) {
    if (i + 1 >= f.size()) return corrupt("fewer words than its count");
    synset.words.push_back(DisplayWord(f[i]));
  }
  size_t p_cnt = 0;
  if (i >= f.size() || !ParseNumber(f[i], &p_cnt)) return corrupt("bad pointer count");
  ++i;
  for (size_t p = 0; p < p_cnt; ++p, i += 4) {
    if (i + 3 >= f.size()) return corrupt("fewer pointers than its count");
    uint32_t target = 0;
    if (!ParseNumber(f[i + 1], &target)) return corrupt("bad pointer offset");
    if (f[i + 2] != "n") continue;
    if (f[i] == "~") synset.hyponyms.push_back(target);
    if (f[i] == "~i") synset.instance_hyponyms.push_back(target);
    if (f[i] == "@" || f[i] == "@i") synset.hypernyms.push_back(target);
  }
  return synset;
}

Result<bool> WordNet::IsKindOf(uint32_t offset, uint32_t ancestor) const {
  // Up the hypernyms (a synset may have several), each synset visited once:
  // the noun hierarchy is about 20 levels deep and has no cycles, but a
  // damaged database might.
  std::vector<uint32_t> todo = {offset};
  std::unordered_set<uint32_t> seen = {offset};
  while (!todo.empty()) {
    const uint32_t at = todo.back();
    todo.pop_back();
    if (at == ancestor) return true;
    PIX_ASSIGN_OR_RETURN(WordNetSynset synset, ReadSynset(at));
    for (uint32_t up : synset.hypernyms) {
      if (seen.insert(up).second) todo.push_back(up);
    }
  }
  return false;
}

Result<int> WordNet::PicturableSense(const std::vector<uint32_t>& senses) const {
  constexpr int kOther = static_cast<int>(std::size(kPicturableLexFiles));
  int best_rank = kOther + 1;
  int best = 1;
  for (size_t i = 0; i < senses.size(); ++i) {
    PIX_ASSIGN_OR_RETURN(WordNetSynset synset, ReadSynset(senses[i]));
    int rank = kOther;
    for (int r = 0; r < kOther; ++r) {
      if (kPicturableLexFiles[r] == synset.lex_file) rank = r;
    }
    if (rank < best_rank) {
      best_rank = rank;
      best = static_cast<int>(i) + 1;
    }
  }
  return best;
}

Result<WordNetExpansion> WordNet::Expand(std::string_view label,
                                         const WordNetExpandOptions& options) const {
  WordNetExpansion out;
  const auto senses = NounSenses(label, &out.lemma);
  out.senses = static_cast<int>(senses.size());
  if (senses.empty()) {
    out.missing = "not a noun in WordNet";
    return out;
  }
  if (options.sense == kAutoSense) {
    PIX_ASSIGN_OR_RETURN(out.sense, PicturableSense(senses));
  } else if (options.sense < 1 || options.sense > out.senses) {
    out.missing = fmt::format("WordNet has {} sense(s) of \"{}\", not sense {}", out.senses,
                              DisplayWord(out.lemma), options.sense);
    return out;
  } else {
    out.sense = options.sense;
  }
  QuerySet seen_terms;
  std::unordered_set<uint32_t> visited;
  std::vector<uint32_t> level = {senses[static_cast<size_t>(out.sense - 1)]};
  visited.insert(level[0]);
  const auto full = [&] { return options.max_terms > 0 && out.terms.size() >= options.max_terms; };
  // Whether the word's commonest sense, by WordNet's counts, is something
  // other than the label's sense or a kind of it (see keep_ambiguous).
  const uint32_t root = level[0];
  const auto elsewhere = [&](const std::string& word) -> Result<bool> {
    int ranked = 0;
    const auto word_senses = LookUp(IndexKey(word), &ranked);
    if (ranked < 1 || word_senses.empty() || visited.contains(word_senses.front())) return false;
    PIX_ASSIGN_OR_RETURN(bool kind, IsKindOf(word_senses.front(), root));
    return !kind;
  };
  for (int depth = 0; depth <= options.depth && !level.empty() && !full(); ++depth) {
    std::vector<uint32_t> next;
    for (uint32_t offset : level) {
      PIX_ASSIGN_OR_RETURN(WordNetSynset synset, ReadSynset(offset));
      if (depth == 0) out.gloss = synset.gloss;
      for (std::string& word : synset.words) {
        if (full()) break;
        bool ambiguous = false;
        if (!options.keep_ambiguous) {
          PIX_ASSIGN_OR_RETURN(ambiguous, elsewhere(word));
        }
        if (ambiguous) {
          out.ambiguous.push_back(std::move(word));
        } else if (seen_terms.Insert(word)) {
          out.terms.push_back({std::move(word), depth, offset});
        }
      }
      const auto follow = [&](const std::vector<uint32_t>& targets) {
        for (uint32_t t : targets) {
          if (visited.insert(t).second) next.push_back(t);
        }
      };
      follow(synset.hyponyms);
      if (options.instances) follow(synset.instance_hyponyms);
    }
    level = std::move(next);
  }
  return out;
}

}  // namespace pix
