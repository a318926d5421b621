// Structured logs: one JSON line per event on stderr (time, level, message and
// extra fields), written with a single write(2) so lines from many threads never
// interleave. Every component logs through here; server/ adds the access log.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vitrine {

// Writes a one-line JSON event (level, message, extra pre-encoded JSON fields)
// to stderr; for start-up, reloads and failures.
void LogEvent(std::string_view level, std::string_view message, std::string_view json_fields = {});

// An "error" event with the status's message as "error".
void LogError(std::string_view message, const absl::Status& status);

// Appends the current time in RFC 3339 UTC with milliseconds ("2026-11-24T09:15:02.123Z").
void AppendRfc3339Now(std::string& out);

// Writes all of `line` to `fd`, retrying short writes; gives up silently on an
// error (logging never fails a request).
void WriteLogLine(int fd, std::string_view line);

// The request this thread is handling: while one is alive, every LogEvent on
// the thread carries its "request_id" and "trace_id", so a warning logged deep
// in a search can be found from the access log line or the trace. The strings
// must outlive it. Nests (the inner one wins until it ends).
class ScopedLogContext {
 public:
  ScopedLogContext(std::string_view request_id, std::string_view trace_id);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  const ScopedLogContext* outer_;
  std::string_view request_id_;
  std::string_view trace_id_;
  friend void LogEvent(std::string_view, std::string_view, std::string_view);
};

}  // namespace vitrine
