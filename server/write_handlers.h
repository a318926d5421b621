// Product write routes (admin key): PUT / PATCH / DELETE /v1/products/{id} and
// POST /v1/products:batch, translated to and from writes::ProductWrites. Private
// to server/.
#pragma once

#include <string_view>

#include "server/http.h"
#include "writes/product_writes.h"

namespace vitrine::server {

// `method` is the request's (PUT, PATCH or DELETE).
HttpResponse HandleProductWrite(const HttpRequest& request, std::string_view id,
                                writes::ProductWrites& writes);
HttpResponse HandleProductBatch(const HttpRequest& request, writes::ProductWrites& writes);

}  // namespace vitrine::server
