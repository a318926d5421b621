// The documents of the posting-store and kept-sets tests: docids 1..3000 with
// terms of known lists. Private to tests/query.
#pragma once

#include <xapian.h>

namespace vitrine::query::internal {

// "Xall" in each (wdf 1 + id % 3), "Xeven" in the even ones, "Xtail" in those
// from 1000 on, "Xthird" in every third, "Xrare" in 1..10.
inline Xapian::Document TaggedDocument(Xapian::docid id) {
  Xapian::Document doc;
  doc.add_term("Xall", 1 + id % 3);
  if (id % 2 == 0) doc.add_term("Xeven");
  if (id >= 1000) doc.add_term("Xtail");
  if (id % 3 == 0) doc.add_term("Xthird");
  if (id <= 10) doc.add_term("Xrare");
  return doc;
}

}  // namespace vitrine::query::internal
