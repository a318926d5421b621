// vitrine scoped-key: derives a scoped search key (server/scoped_keys.h) from a
// search key, offline, as a storefront's back end would.
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/status.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "server/api.h"
#include "server/scoped_keys.h"

namespace vitrine::cli {
namespace {

// The secret of the search key named `name`, from the environment `vitrine
// serve` reads (VITRINE_SEARCH_KEY is "search"; VITRINE_SEARCH_KEYS the named ones).
absl::StatusOr<std::string> ParentKey(const std::string& name) {
  if (const char* key = std::getenv("VITRINE_SEARCH_KEY"); key != nullptr && name == "search") {
    return std::string(key);
  }
  if (const char* keys = std::getenv("VITRINE_SEARCH_KEYS"); keys != nullptr) {
    ASSIGN_OR_RETURN(const std::vector<server::NamedKey> named, server::ParseNamedKeys(keys));
    for (const server::NamedKey& key : named) {
      if (key.name == name) return key.key;
    }
  }
  return absl::InvalidArgumentError(
      StrCat("no search key named '", name,
             "' in the environment (VITRINE_SEARCH_KEY for 'search', or VITRINE_SEARCH_KEYS)"));
}

}  // namespace

int ScopedKeyCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      argc, argv, {"parent", "filter", "in-stock", "expires-in", "rate", "burst"}, {"print"});
  if (!flags.ok()) return Fail(flags.status());
  absl::StatusOr<int64_t> expires_in = flags->Int("expires-in", 3600);
  if (!expires_in.ok()) return Fail(expires_in.status());
  if (*expires_in < 1 || *expires_in > 366LL * 24 * 3600) {
    return Fail(InvalidParameter("expires-in", "--expires-in must be 1 second to 366 days"));
  }
  server::KeyScope scope;
  scope.parent = flags->Get("parent").value_or("search");
  scope.expires = static_cast<int64_t>(std::time(nullptr)) + *expires_in;
  for (const std::string& filter : flags->GetAll("filter")) {
    const size_t equals = filter.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == filter.size()) {
      return Fail(
          InvalidParameter("filter", StrCat("--filter must be FIELD=VALUE, got '", filter, "'")));
    }
    scope.filters[filter.substr(0, equals)].push_back(filter.substr(equals + 1));
  }
  if (const std::optional<std::string> in_stock = flags->Get("in-stock")) {
    if (*in_stock != "true" && *in_stock != "false") {
      return Fail(InvalidParameter("in-stock", "--in-stock must be true or false"));
    }
    scope.in_stock = *in_stock == "true";
  }
  for (auto [name, value] : {std::pair{"rate", &scope.rate}, std::pair{"burst", &scope.burst}}) {
    if (const std::optional<std::string> text = flags->Get(name)) {
      const std::optional<double> number = ParseDouble(*text);
      if (!number || *number <= 0) {
        return Fail(InvalidParameter(name, StrCat("--", name, " must be a number above 0")));
      }
      *value = *number;
    }
  }
  absl::StatusOr<std::string> parent = ParentKey(scope.parent);
  if (!parent.ok()) return Fail(parent.status());
  if (flags->Has("print")) std::fprintf(stderr, "%s\n", server::ScopeJson(scope).c_str());
  std::printf("%s\n", server::MintScopedKey(scope, *parent).c_str());
  return 0;
}

}  // namespace vitrine::cli
