#include "indexer/internal/csv.h"

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::indexer::internal {

CsvParser::State CsvParser::Feed(std::string_view line, std::vector<std::string>& cells) {
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes_) {
      if (c != '"') {
        current_.push_back(c);
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        current_.push_back('"');  // "" is an escaped quote
        ++i;
      } else {
        in_quotes_ = false;
        after_quote_ = true;
      }
      continue;
    }
    if (c == ',') {
      cells.push_back(std::move(current_));
      current_.clear();
      after_quote_ = false;
    } else if (c == '"' && current_.empty() && !after_quote_) {
      in_quotes_ = true;
    } else if (after_quote_) {
      if (error_.ok()) {
        error_ = InvalidParameter("", "unexpected text after a closing quote in CSV record");
      }
    } else {
      current_.push_back(c);
    }
  }
  if (in_quotes_) return State::kInQuotes;
  cells.push_back(std::move(current_));
  current_.clear();
  after_quote_ = false;
  return State::kDone;
}

}  // namespace vitrine::indexer::internal
