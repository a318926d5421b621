// GET /v1/admin/state (admin key): where this node stands, to check that
// replicas converged. Replicas that applied the same log sequence hold the
// same products, so their digests agree. Private to server/.
//
//   {"generation": "000003", "documents": 56930,
//    "writes": {"logged_seq": 12, "applied_seq": 12, "committed_seq": 12, "paused": ""},
//    "products": {"count": 56930, "digest": "9f2c..."}, "config": {"version": 4}}
//
// The digest is order-independent: the sum, modulo 2^64, of a 64-bit FNV-1a
// hash of each product's id and stored JSON. It does not depend on the
// build or the machine, so replicas of different builds compare during a
// rolling deploy. It reads every product: an admin check, not a hot path.
#pragma once

#include "merch/config_store.h"
#include "query/search.h"
#include "server/http.h"
#include "writes/product_writes.h"

namespace vitrine::server {

// `writes` and `config` may be null (no write routes, no config store).
HttpResponse HandleAdminState(query::SearcherPool& searchers, const writes::ProductWrites* writes,
                              const merch::ConfigStore* config);

}  // namespace vitrine::server
