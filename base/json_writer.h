// Appending JSON by hand on the response hot path: product snapshots are already
// JSON bytes in the store and are spliced in without parsing them again.
#pragma once

#include <string>
#include <string_view>

namespace vitrine {

// Appends `text` as a JSON string literal, quotes included. Escapes control
// characters, quotes, backslashes, and </ so a response is safe inside HTML;
// bytes that are not valid UTF-8 become U+FFFD, so the result is always valid JSON.
void AppendJsonString(std::string& out, std::string_view text);

// Appends a finite number ("null" for NaN or infinity).
void AppendJsonNumber(std::string& out, double value);

}  // namespace vitrine
