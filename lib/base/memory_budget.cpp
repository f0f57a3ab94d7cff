#include "base/memory_budget.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace pix {

MemoryBudget::Lease MemoryBudget::Reserve(uint64_t bytes) {
  if (budget_ == 0) return Lease();
  std::unique_lock lock(mu_);
  const uint64_t ticket = next_ticket_++;
  const auto fits = [&] {
    return ticket == serving_ && (in_use_ == 0 || in_use_ + bytes <= budget_);
  };
  if (!fits()) {
    ++waits_;
    cv_.wait(lock, fits);
  }
  ++serving_;
  in_use_ += bytes;
  if (in_use_ > peak_) peak_ = in_use_;
  lock.unlock();
  cv_.notify_all();  // the next ticket may fit too
  return Lease(this, bytes);
}

void MemoryBudget::Release(uint64_t bytes) {
  {
    std::lock_guard lock(mu_);
    in_use_ -= bytes;
  }
  cv_.notify_all();
}

uint64_t MemoryBudget::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}

uint64_t MemoryBudget::waits() const {
  std::lock_guard lock(mu_);
  return waits_;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(value) || value < 0 || std::isspace(static_cast<unsigned char>(s[0]))) {
    return Status::InvalidArgument("'" + s + "' is not a size (bytes, or a number with K, M, G or T)");
  }
  std::string unit(end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  double scale = 1;
  if (unit == "K") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "B") {
    return Status::InvalidArgument("'" + s + "' is not a size (bytes, or a number with K, M, G or T)");
  }
  const double bytes = value * scale;
  if (bytes >= 1.8e19) return Status::InvalidArgument("'" + s + "' is too large");
  return static_cast<uint64_t>(bytes);
}

}  // namespace pix
