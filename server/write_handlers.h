// Product write routes (admin key): PUT / PATCH / DELETE /v1/products/{id} and
// POST /v1/products:batch, translated to and from writes::ProductWrites. Private
// to server/.
#pragma once

#include <string_view>

#include "server/http.h"
#include "server/request_context.h"
#include "writes/product_writes.h"

namespace vitrine::server {

// `method` is the request's (PUT, PATCH or DELETE). `context.stages`, when set,
// gets the write's stages (trace spans).
HttpResponse HandleProductWrite(const HttpRequest& request, std::string_view id,
                                writes::ProductWrites& writes, const RequestContext& context);
HttpResponse HandleProductBatch(const HttpRequest& request, writes::ProductWrites& writes,
                                const RequestContext& context);

}  // namespace vitrine::server
