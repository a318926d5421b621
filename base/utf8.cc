#include "base/utf8.h"

#include <cstdint>

namespace vitrine {

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t min_code_point;
    uint32_t code_point;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, min_code_point = 0x80, code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, min_code_point = 0x800, code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, min_code_point = 0x10000, code_point = lead & 0x07;
    } else {
      return i;
    }
    if (i + length > size) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < min_code_point || code_point > 0x10FFFF || surrogate) return i;
    i += length;
  }
  return std::nullopt;
}

}  // namespace vitrine
