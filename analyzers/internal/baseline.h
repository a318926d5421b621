// The baseline analysis chain (Profile::kBaseline); private to analyzers/.
#pragma once

#include <string_view>
#include <vector>

#include "analyzers/token.h"

namespace vitrine::analyzers::internal {

// Terms as plain Xapian::TermGenerator makes them with the English stemmer
// (lower case, Xapian's word splitting, every term stemmed), in word order.
std::vector<Token> BaselineAnalyze(std::string_view text);

}  // namespace vitrine::analyzers::internal
