#include "bench/workload.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace vitrine::bench {

std::vector<std::string> ReadLines(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<std::string> lines;
  std::string line;
  char buffer[1 << 16];
  while (gzgets(file, buffer, sizeof buffer) != nullptr) {
    line.append(buffer);
    if (line.empty() || line.back() != '\n') continue;
    line.pop_back();
    if (!line.empty()) lines.push_back(line);
    line.clear();
  }
  if (!line.empty()) lines.push_back(line);
  gzclose(file);
  return lines;
}

std::vector<WorkloadRequest> ReadWorkload(const std::string& path) {
  std::vector<WorkloadRequest> requests;
  for (const std::string& line : ReadLines(path)) {
    const nlohmann::json json = nlohmann::json::parse(line);
    requests.push_back({.id = json.value("id", ""),
                        .q = json.value("q", ""),
                        .page = json.value("page", 1),
                        .per_page = json.value("per_page", 24)});
  }
  return requests;
}

std::string SearchPath(const WorkloadRequest& request) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string path = "/v1/search?q=";
  for (unsigned char c : request.q) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      path.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      path.push_back('+');
    } else {
      path.push_back('%');
      path.push_back(kHex[c >> 4]);
      path.push_back(kHex[c & 15]);
    }
  }
  path += "&page=" + std::to_string(request.page) + "&per_page=" + std::to_string(request.per_page);
  return path;
}

}  // namespace vitrine::bench
