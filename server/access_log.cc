#include "server/access_log.h"

#include "base/json_writer.h"
#include "base/log.h"
#include "base/strings.h"

namespace vitrine::server {

void AccessLog::Write(const AccessLogEntry& entry) const {
  if (fd_ < 0) return;
  std::string line;
  line.reserve(256);
  line.append(R"({"time":")");
  AppendRfc3339Now(line);
  line.append(R"(","level":"info","msg":"request","request_id":)");
  AppendJsonString(line, entry.request_id);
  if (!entry.trace_id.empty()) {
    line.append(R"(,"trace_id":)");
    AppendJsonString(line, entry.trace_id);
    line.append(R"(,"span_id":)");
    AppendJsonString(line, entry.span_id);
  }
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
  WriteLogLine(fd_, line);
}

}  // namespace vitrine::server
