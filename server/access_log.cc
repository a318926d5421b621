#include "server/access_log.h"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include "base/strings.h"
#include "server/json_writer.h"

namespace vitrine::server {
namespace {

// RFC 3339 UTC with milliseconds: "2026-11-24T09:15:02.123Z".
void AppendNow(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc;
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(buffer, n);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
  out.append(fraction);
}

void WriteLine(int fd, const std::string& line) {
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0) return;  // logging never fails a request
    written += static_cast<size_t>(n);
  }
}

}  // namespace

void AccessLog::Write(const AccessLogEntry& entry) const {
  if (fd_ < 0) return;
  std::string line;
  line.reserve(256);
  line.append(R"({"time":")");
  AppendNow(line);
  line.append(R"(","level":"info","msg":"request","request_id":)");
  AppendJsonString(line, entry.request_id);
  line.append(R"(,"method":)");
  AppendJsonString(line, entry.method);
  line.append(R"(,"path":)");
  AppendJsonString(line, entry.target);
  line.append(R"(,"remote":)");
  AppendJsonString(line, entry.remote_address);
  if (!entry.key_name.empty()) {
    line.append(R"(,"key":)");
    AppendJsonString(line, entry.key_name);
  }
  line.append(StrCat(R"(,"status":)", entry.status, R"(,"duration_ms":)"));
  AppendJsonNumber(line,
                   static_cast<double>(static_cast<int64_t>(entry.duration_ms * 1000)) / 1000);
  line.append(StrCat(R"(,"bytes":)", entry.response_bytes, "}\n"));
  WriteLine(fd_, line);
}

void LogEvent(std::string_view level, std::string_view message, std::string_view json_fields) {
  std::string line = R"({"time":")";
  AppendNow(line);
  line.append(R"(","level":)");
  AppendJsonString(line, level);
  line.append(R"(,"msg":)");
  AppendJsonString(line, message);
  if (!json_fields.empty()) line.append(",").append(json_fields);
  line.append("}\n");
  WriteLine(STDERR_FILENO, line);
}

}  // namespace vitrine::server
