// Search: a validated SearchRequest -> Xapian match -> hits hydrated from the
// product store. One Searcher per thread (Xapian::Database is not thread-safe);
// SearcherPool hands them out and swaps generations without blocking searches.
//
//   ASSIGN_OR_RETURN(auto index, OpenIndex({.generation = "000007", .xapian_path = ...}));
//   SearcherPool pool(index);
//   SearcherPool::Lease searcher = pool.Acquire();
//   ASSIGN_OR_RETURN(SearchResponse response, searcher->Search({.q = "navy tee"}));
#pragma once

// The component's public headers: what a search asks and answers, the opened
// index, and the searchers.
#include "query/index.h"     // IWYU pragma: export
#include "query/request.h"   // IWYU pragma: export
#include "query/searcher.h"  // IWYU pragma: export
