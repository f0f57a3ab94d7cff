#include "label/label_text.h"

#include <algorithm>

namespace pix {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// The crude plural fold shared by terms and texts.
void FoldPlural(std::string* t) {
  const size_t n = t->size();
  if (n > 4 && t->compare(n - 3, 3, "ies") == 0) {
    t->replace(n - 3, 3, "y");
  } else if (n > 4 && (t->compare(n - 4, 4, "ches") == 0 || t->compare(n - 4, 4, "shes") == 0 ||
                       t->compare(n - 3, 3, "xes") == 0 || t->compare(n - 4, 4, "sses") == 0)) {
    t->resize(n - 2);
  } else if (n > 3 && (*t)[n - 1] == 's' && (*t)[n - 2] != 's' && (*t)[n - 2] != 'u' &&
             (*t)[n - 2] != 'i') {
    t->resize(n - 1);
  }
}

}  // namespace

void FoldTokens(std::string_view text, bool url, std::vector<std::string>* tokens) {
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    FoldPlural(&current);
    tokens->push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (url && c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<unsigned char>(hi * 16 + lo);
        i += 2;
      }
    }
    if (IsWordByte(c)) {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                             : static_cast<char>(c));
    } else {
      flush();
    }
  }
  flush();
}

void TermMatcher::Add(uint32_t label, std::string_view term) {
  std::vector<std::string> tokens;
  FoldTokens(term, false, &tokens);
  if (tokens.empty()) return;
  std::vector<Term>& list = by_first_[tokens[0]];
  Term t{label, std::vector<std::string>(tokens.begin() + 1, tokens.end())};
  for (const Term& have : list) {
    if (have.label == label && have.rest == t.rest) return;
  }
  list.push_back(std::move(t));
  ++terms_;
}

void TermMatcher::Find(const std::vector<std::string>& tokens, std::vector<TermMatch>* out) const {
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto it = by_first_.find(tokens[i]);
    if (it == by_first_.end()) continue;
    for (const Term& term : it->second) {
      if (i + 1 + term.rest.size() > tokens.size()) continue;
      if (!std::equal(term.rest.begin(), term.rest.end(), tokens.begin() + i + 1)) continue;
      out->push_back(
          {term.label, static_cast<uint32_t>(i), static_cast<uint32_t>(1 + term.rest.size())});
    }
  }
}

}  // namespace pix
