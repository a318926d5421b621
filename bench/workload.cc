#include "bench/workload.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
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
    WorkloadRequest request{.id = json.value("id", ""),
                            .kind = json.value("kind", ""),
                            .q = json.value("q", ""),
                            .page = json.value("page", 1),
                            .per_page = json.value("per_page", 24)};
    const nlohmann::json filters = json.value("filters", nlohmann::json::object());
    for (const auto& [field, values] : filters.items()) {
      for (const auto& value : values) request.filters[field].push_back(value.get<std::string>());
    }
    const nlohmann::json ranges = json.value("ranges", nlohmann::json::object());
    for (const auto& [field, range] : ranges.items()) {
      request.ranges[field] = {range.value("gte", std::nan("")), range.value("lte", std::nan(""))};
    }
    for (const auto& facet : json.value("facets", nlohmann::json::array())) {
      const std::string field = facet.get<std::string>();
      request.facets.push_back(field == "category_leaf" ? "category" : field);
    }
    request.facet_size = json.value("facet_size", 10);
    request.sort = json.value("sort", "relevance");
    requests.push_back(std::move(request));
  }
  return requests;
}

namespace {

void AppendEncoded(std::string& path, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
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
}

std::string Bound(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

std::string SearchPath(const WorkloadRequest& request) {
  std::string path = "/v1/search?q=";
  AppendEncoded(path, request.q);
  for (const auto& [field, values] : request.filters) {
    for (const std::string& value : values) {
      path += "&filter." + field + "=";
      AppendEncoded(path, value);
    }
  }
  for (const auto& [field, range] : request.ranges) {
    path += "&range." + field + "=" + Bound(range.first) + ".." + Bound(range.second);
  }
  for (size_t i = 0; i < request.facets.size(); ++i) {
    path += (i == 0 ? "&facets=" : ",") + request.facets[i];
  }
  if (!request.facets.empty()) path += "&facet_size=" + std::to_string(request.facet_size);
  if (request.sort != "relevance") path += "&sort=" + request.sort;
  path += "&page=" + std::to_string(request.page) + "&per_page=" + std::to_string(request.per_page);
  return path;
}

std::vector<WorkloadRequest> WithTypos(const std::vector<WorkloadRequest>& workload) {
  std::vector<WorkloadRequest> typos;
  for (const WorkloadRequest& request : workload) {
    // The longest word of ASCII letters.
    size_t best = 0, best_size = 0;
    for (size_t i = 0; i < request.q.size();) {
      size_t end = i;
      while (end < request.q.size() && std::isalpha(static_cast<unsigned char>(request.q[end]))) {
        ++end;
      }
      if (end - i > best_size) {
        best = i;
        best_size = end - i;
      }
      i = end + 1;
    }
    if (best_size < 5) continue;
    WorkloadRequest typo = request;
    typo.kind = "typo";
    // Swap the 3rd and 4th letters: "shirt" -> "shrit", "trousers" -> "truosers".
    std::swap(typo.q[best + 2], typo.q[best + 3]);
    if (typo.q != request.q) typos.push_back(std::move(typo));
  }
  return typos;
}

std::vector<std::string> TypedPrefixes(const std::vector<WorkloadRequest>& workload,
                                       size_t max_bytes) {
  std::vector<std::string> prefixes;
  for (const WorkloadRequest& request : workload) {
    const std::string& q = request.q;
    for (size_t end = 1; end <= q.size() && end <= max_bytes; ++end) {
      if (end < q.size() && (static_cast<unsigned char>(q[end]) & 0xC0) == 0x80) continue;
      if (q.find_first_not_of(' ', 0) >= end) continue;  // nothing typed yet
      prefixes.push_back(q.substr(0, end));
    }
  }
  return prefixes;
}

std::string SuggestPath(std::string_view q) {
  std::string path = "/v1/suggest?q=";
  AppendEncoded(path, q);
  return path;
}

std::map<std::string, std::string> ParseFlags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[std::string(argv[i]).substr(2)] = argv[i + 1];
  return flags;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[index];
}

}  // namespace vitrine::bench
