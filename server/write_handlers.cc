#include "server/write_handlers.h"

#include "server/errors.h"

namespace vitrine::server {
namespace {

HttpResponse ReceiptResponse(const absl::StatusOr<writes::WriteReceipt>& receipt) {
  if (!receipt.ok()) return ErrorResponse(receipt.status());
  HttpResponse response{.status = receipt->outcome == writes::WriteOutcome::kCreated ? 201 : 200,
                        .body = receipt->json};
  if (receipt->replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

}  // namespace

HttpResponse HandleProductWrite(const HttpRequest& request, std::string_view id,
                                writes::ProductWrites& writes, const RequestContext& context) {
  const writes::WriteMethod method = request.method == "PUT"     ? writes::WriteMethod::kPut
                                     : request.method == "PATCH" ? writes::WriteMethod::kPatch
                                                                 : writes::WriteMethod::kDelete;
  return ReceiptResponse(
      writes.Write(method, id, request.body, request.Header("idempotency-key"), context.stages));
}

HttpResponse HandleProductBatch(const HttpRequest& request, writes::ProductWrites& writes,
                                const RequestContext& context) {
  return ReceiptResponse(
      writes.Batch(request.body, request.Header("idempotency-key"), context.stages));
}

}  // namespace vitrine::server
