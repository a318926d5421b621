// UTF-8 validation for everything that enters from outside (feeds, HTTP).
// Strict: rejects overlong forms, surrogates and code points above U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace vitrine {

// The length (1-4) of the valid UTF-8 sequence that starts at `text[at]`, or 0
// when the bytes there are not one (at < text.size()).
size_t Utf8SequenceLength(std::string_view text, size_t at);

// Byte offset of the first invalid sequence, or nullopt when `text` is valid UTF-8.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return !FindInvalidUtf8(text).has_value(); }

}  // namespace vitrine
