#include "eval/relevance.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <unordered_set>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::eval {
namespace {

int GradeOf(const Judgments& judgments, const std::string& id) {
  const auto it = judgments.find(id);
  return it == judgments.end() ? 0 : it->second;
}

double Gain(int grade) { return std::exp2(grade) - 1.0; }

// log2(rank + 1) for a 1-based rank.
double Discount(size_t rank) { return std::log2(static_cast<double>(rank) + 1.0); }

// Calls `visit(id, rank)` for the first k distinct ids of `ranked`, rank 1-based;
// stops early when `visit` returns false. A repeated id keeps its first rank and
// does not take a rank again.
void ForEachRanked(const std::vector<std::string>& ranked, int k,
                   const std::function<bool(const std::string&, size_t)>& visit) {
  std::unordered_set<std::string_view> seen;
  size_t rank = 0;
  for (const std::string& id : ranked) {
    if (rank >= static_cast<size_t>(std::max(k, 0))) return;
    if (!seen.insert(id).second) continue;
    if (!visit(id, ++rank)) return;
  }
}

size_t RelevantCount(const Judgments& judgments) {
  return std::count_if(judgments.begin(), judgments.end(),
                       [](const auto& judgment) { return judgment.second >= 1; });
}

double IdealDcgAtK(const Judgments& judgments, int k) {
  std::vector<int> grades;
  grades.reserve(judgments.size());
  for (const auto& [id, grade] : judgments) grades.push_back(grade);
  std::sort(grades.begin(), grades.end(), std::greater<>());
  double dcg = 0;
  for (size_t i = 0; i < grades.size() && i < static_cast<size_t>(std::max(k, 0)); ++i) {
    dcg += Gain(grades[i]) / Discount(i + 1);
  }
  return dcg;
}

// Splits `text` into lines and calls `parse(line, line_number)` for each one that
// is not blank, stopping at the first error.
absl::Status ForEachLine(std::string_view text,
                         const std::function<absl::Status(std::string_view, uint64_t)>& parse) {
  uint64_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    RETURN_IF_ERROR(parse(line, number));
  }
  return absl::OkStatus();
}

// Fields of a line separated by tabs, each trimmed.
std::vector<std::string_view> TabFields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const size_t tab = line.find('\t');
    fields.push_back(Trim(line.substr(0, tab)));
    if (tab == std::string_view::npos) return fields;
    line.remove_prefix(tab + 1);
  }
}

absl::Status LineError(std::string_view source, uint64_t line, std::string_view parameter,
                       std::string_view message) {
  return InvalidParameter(parameter, StrCat(source, ":", line, ": ", message));
}

// The whole contents of a plain or gzip file.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int error = errno;
    const std::string message = StrCat("cannot open ", path, ": ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::FailedPreconditionError(message);
  }
  std::string contents;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string message = StrCat("cannot read ", path, ": ", gzerror(file, &code));
      gzclose(file);
      return absl::DataLossError(message);
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  return contents;
}

}  // namespace

bool HasRelevant(const Judgments& judgments) { return RelevantCount(judgments) > 0; }

std::optional<double> NdcgAtK(const std::vector<std::string>& ranked, const Judgments& judgments,
                              int k) {
  const double ideal = IdealDcgAtK(judgments, k);
  if (ideal <= 0) return std::nullopt;
  double dcg = 0;
  ForEachRanked(ranked, k, [&](const std::string& id, size_t rank) {
    dcg += Gain(GradeOf(judgments, id)) / Discount(rank);
    return true;
  });
  return dcg / ideal;
}

std::optional<double> JudgedOnlyNdcgAtK(const std::vector<std::string>& ranked,
                                        const Judgments& judgments, int k) {
  std::vector<std::string> judged;
  judged.reserve(ranked.size());
  for (const std::string& id : ranked) {
    if (judgments.contains(id)) judged.push_back(id);
  }
  return NdcgAtK(judged, judgments, k);
}

std::optional<double> RecallAtK(const std::vector<std::string>& ranked, const Judgments& judgments,
                                int k) {
  const size_t relevant = RelevantCount(judgments);
  if (relevant == 0) return std::nullopt;
  size_t found = 0;
  ForEachRanked(ranked, k, [&](const std::string& id, size_t) {
    if (GradeOf(judgments, id) >= 1) ++found;
    return true;
  });
  return static_cast<double>(found) / static_cast<double>(relevant);
}

std::optional<double> ReciprocalRank(const std::vector<std::string>& ranked,
                                     const Judgments& judgments, int k) {
  if (!HasRelevant(judgments)) return std::nullopt;
  double reciprocal_rank = 0;
  ForEachRanked(ranked, k, [&](const std::string& id, size_t rank) {
    if (GradeOf(judgments, id) < 1) return true;
    reciprocal_rank = 1.0 / static_cast<double>(rank);
    return false;
  });
  return reciprocal_rank;
}

absl::StatusOr<std::vector<EvalQuery>> ParseQueries(std::string_view text,
                                                    std::string_view source) {
  std::vector<EvalQuery> queries;
  std::unordered_map<std::string, uint64_t> first_line;
  RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view line, uint64_t number) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return LineError(source, number, "queries", "expected qid<TAB>query, found no tab");
    }
    const std::string_view id = Trim(line.substr(0, tab));
    const std::string_view query = Trim(line.substr(tab + 1));
    if (id.empty()) return LineError(source, number, "queries", "empty qid");
    if (query.empty()) return LineError(source, number, "queries", "empty query");
    const auto [it, inserted] = first_line.emplace(std::string(id), number);
    if (!inserted) {
      return LineError(source, number, "queries",
                       StrCat("qid '", id, "' repeats line ", it->second));
    }
    queries.push_back(EvalQuery{.id = std::string(id), .text = std::string(query)});
    return absl::OkStatus();
  }));
  return queries;
}

absl::StatusOr<Qrels> ParseQrels(std::string_view text, std::string_view source) {
  Qrels qrels;
  RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view line, uint64_t number) {
    const std::vector<std::string_view> fields = TabFields(line);
    if (fields.size() != 3) {
      return LineError(source, number, "qrels",
                       StrCat("expected qid<TAB>product_id<TAB>grade, found ", fields.size(),
                              fields.size() == 1 ? " field" : " fields"));
    }
    if (fields[0].empty()) return LineError(source, number, "qrels", "empty qid");
    if (fields[1].empty()) return LineError(source, number, "qrels", "empty product_id");
    const std::optional<int64_t> grade = ParseInt64(fields[2]);
    if (!grade || *grade < 0 || *grade > kMaxGrade || fields[2].size() != 1) {
      return LineError(source, number, "qrels",
                       StrCat("grade must be 0, 1 or 2, got '", fields[2], "'"));
    }
    Judgments& judgments = qrels[std::string(fields[0])];
    if (!judgments.emplace(std::string(fields[1]), static_cast<int>(*grade)).second) {
      return LineError(
          source, number, "qrels",
          StrCat("product '", fields[1], "' is judged twice for qid '", fields[0], "'"));
    }
    return absl::OkStatus();
  }));
  return qrels;
}

absl::StatusOr<std::vector<EvalQuery>> ReadQueries(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return ParseQueries(text, path);
}

absl::StatusOr<Qrels> ReadQrels(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return ParseQrels(text, path);
}

}  // namespace vitrine::eval
