// Reading the process environment.
#pragma once

#include <cstdlib>
#include <string>

namespace pix {

// The value of environment variable `name`; "" when it is unset or empty.
inline std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace pix
