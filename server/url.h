// Request targets: "/v1/search?q=navy+tee&page=2" -> path and decoded parameters.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::server {

struct Target {
  std::string path;                                         // percent-decoded
  std::vector<std::pair<std::string, std::string>> params;  // in order; names may repeat
};

// Percent-decodes path and query ("+" is a space in the query). Malformed escapes
// are an InvalidArgument error naming the parameter.
absl::StatusOr<Target> ParseTarget(std::string_view target);

// Decodes one application/x-www-form-urlencoded component.
absl::StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace vitrine::server
