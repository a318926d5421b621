// Facet values held in memory, a column per facet slot (docid -> value id), so
// counting a match's facets never reads documents from disk: a match spy adds
// one to a counter per matching document and field. Loaded once per generation
// from Xapian's value streams. Private to query/.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vitrine::query::internal {

struct FacetColumn {
  std::vector<std::string> values;  // value id -> display value; id 0 is "no value"
  std::vector<uint32_t> by_docid;   // docid -> value id
};

struct FacetColumns {
  std::map<Xapian::valueno, FacetColumn> slots;

  // Reads the value streams of `slots` (about 4 bytes a document a slot).
  static FacetColumns Load(const Xapian::Database& database,
                           const std::vector<Xapian::valueno>& slots);
};

// Counts the values of one column over the documents of a match.
class ColumnCountMatchSpy : public Xapian::MatchSpy {
 public:
  explicit ColumnCountMatchSpy(const FacetColumn& column)
      : column_(column), counts_(column.values.size(), 0) {}

  void operator()(const Xapian::Document& doc, double /*weight*/) override {
    const Xapian::docid id = doc.get_docid();  // no disk read
    if (id < column_.by_docid.size()) ++counts_[column_.by_docid[id]];
  }

  const FacetColumn& column() const { return column_; }
  const std::vector<uint64_t>& counts() const { return counts_; }

 private:
  const FacetColumn& column_;
  std::vector<uint64_t> counts_;
};

}  // namespace vitrine::query::internal
