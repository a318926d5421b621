// The HTTP request path: the input is the byte stream a client sends on one
// connection. It is parsed as the server parses it (Beast's request parser with
// the server's limits, server/http_parse.h), each request is handed to the real
// Api::Handle over a small writable index with a config store and an admin key
// (so write and config routes run too), and pipelined requests follow while
// keep-alive holds. Every answer must be a well-formed response: no 5xx, JSON
// bodies that parse, header values without line breaks; an acknowledged product
// write must be what a read of the product sees next.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "indexer/generations.h"
#include "indexer/journal.h"
#include "merch/config_store.h"
#include "server/api.h"
#include "server/http_parse.h"
#include "tests/fuzz/fuzz_fixture.h"
#include "writes/product_writes.h"
#include "writes/write_log.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace vitrine;

// The admin key seeds and the dictionary send (X-API-Key or Authorization: Bearer).
constexpr char kAdminKey[] = "fuzz-admin-key";
constexpr int kMaxRequestsPerInput = 8;

// A client's bytes as a synchronous stream: each read hands out what is left.
class MemoryStream {
 public:
  explicit MemoryStream(std::string_view bytes) : rest_(bytes) {}

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& error) {
    error = {};
    if (rest_.empty()) {
      error = boost::asio::error::eof;
      return 0;
    }
    const size_t copied =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(rest_.data(), rest_.size()));
    rest_.remove_prefix(copied);
    return copied;
  }

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    beast::error_code error;
    const size_t copied = read_some(buffers, error);
    if (error) throw beast::system_error(error);
    return copied;
  }

 private:
  std::string_view rest_;
};

// The server as Service assembles it, on a fixture generation of its own.
struct Server {
  Server()
      : data_dir(fuzz::ScratchDir() + "/http"),
        index(fuzz::BuildFixtureIndex(data_dir, /*writable=*/true)),
        searchers(nullptr),
        // Committed after each input that writes (CommitNow), not by the clock,
        // so an input's outcome does not depend on timing.
        writes(writes::LocalWriteLog(OpenJournal(data_dir)),
               {.commit_interval = std::chrono::hours(24)}, &searchers.cache()),
        access_log(-1),
        api(searchers, metrics, access_log, {.admin = kAdminKey}, &writes) {
    fuzz::RequireOk(writes.Switch(index, [this] { searchers.Publish(index); }),
                    "switching writes to the fixture generation");
    absl::StatusOr<std::unique_ptr<merch::ConfigStore>> opened =
        merch::ConfigStore::Open(data_dir + "/config");
    fuzz::RequireOk(opened.status(), "opening the config store");
    config = *std::move(opened);
    searchers.SetConfig([store = config.get()] { return store->snapshot(); });
    api.SetConfig(config.get());
  }

  static std::unique_ptr<indexer::Journal> OpenJournal(const std::string& data_dir) {
    absl::StatusOr<std::unique_ptr<indexer::Journal>> journal =
        indexer::Journal::Open(data_dir + "/journal");
    fuzz::RequireOk(journal.status(), "opening the journal");
    return *std::move(journal);
  }

  const std::string data_dir;
  const std::shared_ptr<const query::Index> index;
  query::SearcherPool searchers;
  writes::ProductWrites writes;
  std::unique_ptr<merch::ConfigStore> config;
  server::Metrics metrics;
  server::AccessLog access_log;
  server::Api api;
  const server::HttpServerOptions options;  // the server's default limits
};

Server& TheServer() {
  static Server server;
  return server;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// VITRINE_FUZZ_TRACE=1 prints each response to stderr (to read what an input did).
void Trace(const server::HttpResponse& response) {
  static const bool trace = std::getenv("VITRINE_FUZZ_TRACE") != nullptr;
  if (!trace) return;
  std::fprintf(stderr, "-> %d %s\n", response.status, response.body.substr(0, 2000).c_str());
}

void CheckResponse(const server::HttpResponse& response) {
  Trace(response);
  fuzz::Require(response.status >= 200 && response.status < 500,
                "a request was answered with a 5xx (or an invalid status)");
  if (response.content_type == "application/json") {
    fuzz::Require(nlohmann::json::accept(response.body), "a JSON answer does not parse");
  }
  for (const auto& [name, value] : response.headers) {
    fuzz::Require(!name.empty() && !HasLineBreak(name) && !HasLineBreak(value),
                  "a response header carries a line break");
  }
}

// An acknowledged product write is what a later read of the product sees:
// after a 2xx PUT or PATCH the product is there, after a 2xx DELETE it is gone.
// (A retry with an Idempotency-Key answers the first receipt whatever happened
// since, so those are left out.)
void CheckProductWriteSeen(Server& server, const server::HttpRequest& request,
                           const server::HttpResponse& response) {
  const bool upsert = request.method == "PUT" || request.method == "PATCH";
  if ((!upsert && request.method != "DELETE") || response.status >= 300 ||
      !request.Header("idempotency-key").empty() || !request.target.starts_with("/v1/products/")) {
    return;
  }
  server::HttpRequest read = request;
  read.method = "GET";
  read.body.clear();
  const server::HttpResponse found = server.api.Handle(std::move(read));
  fuzz::Require(found.status == (upsert ? 200 : 404),
                "a product write was acknowledged but a read does not see it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Server& server = TheServer();
  MemoryStream stream(fuzz::AsText(data, size));
  beast::flat_buffer buffer;  // one per connection, as each session has
  bool wrote = false;
  for (int i = 0; i < kMaxRequestsPerInput; ++i) {
    server::RequestParser parser;
    server::LimitRequest(parser, server.options);
    beast::error_code error;
    http::read(stream, buffer, parser, error);
    if (error == http::error::end_of_stream) break;  // the client closed between requests
    if (error) {
      CheckResponse(server::TransportError(error, server.options));
      break;
    }
    server::RequestMessage message = parser.release();
    server::HttpRequest request = server::ToHttpRequest(message, "127.0.0.1");
    wrote = wrote || (request.method != "GET" && request.method != "HEAD");
    server::HttpRequest copy = request;
    const server::HttpResponse response = server.api.Handle(std::move(request));
    CheckResponse(response);
    CheckProductWriteSeen(server, copy, response);
    if (!message.keep_alive()) break;
  }
  if (wrote) fuzz::RequireOk(server.writes.CommitNow(), "committing the input's writes");
  return 0;
}
