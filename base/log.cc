#include "base/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "base/json_writer.h"
#include "base/strings.h"

namespace vitrine {

void AppendRfc3339Now(std::string& out) {
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

void WriteLogLine(int fd, std::string_view line) {
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

namespace {
thread_local const ScopedLogContext* current_context = nullptr;
}  // namespace

ScopedLogContext::ScopedLogContext(std::string_view request_id, std::string_view trace_id)
    : outer_(current_context), request_id_(request_id), trace_id_(trace_id) {
  current_context = this;
}

ScopedLogContext::~ScopedLogContext() { current_context = outer_; }

void LogEvent(std::string_view level, std::string_view message, std::string_view json_fields) {
  std::string line = R"({"time":")";
  AppendRfc3339Now(line);
  line.append(R"(","level":)");
  AppendJsonString(line, level);
  line.append(R"(,"msg":)");
  AppendJsonString(line, message);
  if (const ScopedLogContext* context = current_context) {
    line.append(R"(,"request_id":)");
    AppendJsonString(line, context->request_id_);
    line.append(R"(,"trace_id":)");
    AppendJsonString(line, context->trace_id_);
  }
  if (!json_fields.empty()) line.append(",").append(json_fields);
  line.append("}\n");
  WriteLogLine(STDERR_FILENO, line);
}

void LogError(std::string_view message, const absl::Status& status) {
  std::string fields = R"("error":)";
  AppendJsonString(fields, FromAbsl(status.message()));
  LogEvent("error", message, fields);
}

}  // namespace vitrine
