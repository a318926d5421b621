// Loading the benchmark inputs (gzip or plain JSON Lines, one object per line)
// and the small helpers every benchmark binary shares.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitrine::bench {

// Every non-empty line of a (possibly gzip-compressed) file. Exits on I/O errors:
// a benchmark without its input has nothing to say.
std::vector<std::string> ReadLines(const std::string& path);

struct WorkloadRequest {
  std::string id;
  std::string kind;  // "text", "text_filtered", "browse", ...
  std::string q;
  int page = 1;
  int per_page = 24;
  std::map<std::string, std::vector<std::string>> filters;
  // field -> {gte, lte}; NaN for an open side
  std::map<std::string, std::pair<double, double>> ranges;
  std::vector<std::string> facets;  // "category_leaf" in the file is our "category"
  int facet_size = 10;
  std::string sort = "relevance";
};

// The storefront workload (bench/workload/storefront-workload.jsonl.gz).
std::vector<WorkloadRequest> ReadWorkload(const std::string& path);

// The text requests of `workload` with one typo in their longest word of 5+
// letters (two neighbouring letters swapped, as fast typists do), kind "typo".
std::vector<WorkloadRequest> WithTypos(const std::vector<WorkloadRequest>& workload);

// "/v1/search?q=...&filter.f=..&range.f=lo..hi&page=..&per_page=.." for a request.
std::string SearchPath(const WorkloadRequest& request);

// What a shopper sends while typing each workload query: its prefixes of 1, 2,
// ... characters (whole UTF-8 characters, at most `max_bytes`, not blank).
std::vector<std::string> TypedPrefixes(const std::vector<WorkloadRequest>& workload,
                                       size_t max_bytes);

// "/v1/suggest?q=..." for a typed prefix.
std::string SuggestPath(std::string_view q);

// "--name value" pairs, by name without the dashes.
std::map<std::string, std::string> ParseFlags(int argc, char** argv);

// The p-quantile (0..1) of ascending `sorted`; 0 when empty.
double Percentile(const std::vector<double>& sorted, double p);

}  // namespace vitrine::bench
