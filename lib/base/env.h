// Reading the process environment.
#pragma once

#include <cstdlib>
#include <functional>
#include <string>

namespace pix {

// The value of environment variable `name`; "" when it is unset or empty.
inline std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// How library code reads the environment: through a lookup the tool passes
// in (ProcessEnv in a tool, a map in a test), never by itself. Returns ""
// when the variable is unset or empty; the two mean the same everywhere.
using EnvLookup = std::function<std::string(const std::string& name)>;

inline std::string ProcessEnv(const std::string& name) { return GetEnv(name.c_str()); }

}  // namespace pix
