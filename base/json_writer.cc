#include "base/json_writer.h"

#include <charconv>
#include <cmath>

#include "base/utf8.h"

namespace vitrine {

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '/':
        if (i > 0 && text[i - 1] == '<') {
          out.append("\\/");
        } else {
          out.push_back(c);
        }
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[(c >> 4) & 0xF]);
          out.push_back(kHex[c & 0xF]);
        } else if (static_cast<unsigned char>(c) < 0x80) {
          out.push_back(c);
        } else if (const size_t length = Utf8SequenceLength(text, i); length > 0) {
          out.append(text.substr(i, length));
          i += length - 1;
        } else {
          // Error messages quote what a client sent, which may be any bytes; the
          // answer must stay valid JSON, so each invalid byte becomes U+FFFD.
          out.append("\xEF\xBF\xBD");
        }
    }
  }
  out.push_back('"');
}

void AppendJsonNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace vitrine
