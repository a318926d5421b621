// A small command-line flag parser for the `vitrine` subcommands:
// --name value, --name=value, repeatable flags, positional arguments.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::cli {

// Prints "vitrine: <message>" on stderr; the exit code: 2 for bad arguments
// (InvalidArgument), else 1.
int Fail(const absl::Status& status);

class Flags {
 public:
  // `known` lists accepted flag names (without "--"); `switches` are those that
  // take no value. Unknown flags are an error naming the flag.
  static absl::StatusOr<Flags> Parse(int argc, char** argv, const std::vector<std::string>& known,
                                     const std::vector<std::string>& switches = {});

  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  absl::StatusOr<std::string> Required(const std::string& name) const;
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace vitrine::cli
