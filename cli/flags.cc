#include "cli/flags.h"

#include <algorithm>
#include <cstdio>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::cli {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "vitrine: %s\n", std::string(status.message()).c_str());
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

absl::StatusOr<Flags> Flags::Parse(int argc, char** argv, const std::vector<std::string>& known,
                                   const std::vector<std::string>& switches) {
  Flags flags;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.starts_with("--")) {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    const bool is_switch = std::find(switches.begin(), switches.end(), name) != switches.end();
    if (!is_switch && std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidParameter(name, StrCat("unknown flag --", name));
    }
    if (is_switch) {
      flags.values_[name].push_back(value.value_or("true"));
      continue;
    }
    if (!value) {
      if (i + 1 >= argc) return InvalidParameter(name, StrCat("--", name, " needs a value"));
      value = argv[++i];
    }
    flags.values_[name].push_back(*value);
  }
  return flags;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

absl::StatusOr<std::string> Flags::Required(const std::string& name) const {
  std::optional<std::string> value = Get(name);
  if (!value || value->empty()) return InvalidParameter(name, StrCat("--", name, " is required"));
  return *value;
}

absl::StatusOr<int64_t> Flags::Int(const std::string& name, int64_t fallback) const {
  std::optional<std::string> text = Get(name);
  if (!text) return fallback;
  std::optional<int64_t> value = ParseInt64(*text);
  if (!value) return InvalidParameter(name, StrCat("--", name, " must be an integer"));
  return *value;
}

}  // namespace vitrine::cli
