// Reading the process environment.
#pragma once

#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <utility>

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

// A lookup over fixed values (a test's environment, or a child's): the value
// of `name` in `vars`, "" when it is not there.
inline EnvLookup EnvFromMap(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

}  // namespace pix
