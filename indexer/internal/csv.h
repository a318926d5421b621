// RFC 4180 cell splitting, fed one physical line at a time; private to indexer/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace vitrine::indexer::internal {

class CsvParser {
 public:
  enum class State { kDone, kInQuotes };

  // Splits `line` into cells appended to `cells`. kInQuotes means a quoted cell is
  // still open: call AppendNewline() and Feed() the next physical line.
  State Feed(std::string_view line, std::vector<std::string>& cells);
  void AppendNewline() { current_.push_back('\n'); }

  // A malformed record (text after a closing quote), or OK.
  const absl::Status& error() const { return error_; }

 private:
  std::string current_;
  bool in_quotes_ = false;
  bool after_quote_ = false;  // just closed a quoted cell
  absl::Status error_;
};

}  // namespace vitrine::indexer::internal
