// Managed synonym sets (PUT /v1/config/synonyms/{id}): the input is the set's
// JSON. An accepted set's canonical JSON must parse back to itself, and a search
// for each member runs with the set (the thesaurus is analysed on first use).
#include "merch/synonyms.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  absl::StatusOr<merch::SynonymSet> set = merch::ParseSynonymSet(fuzz::AsText(data, size));
  if (!set.ok()) return 0;
  absl::StatusOr<merch::SynonymSet> again = merch::ParseSynonymSet(set->json);
  fuzz::Require(again.ok(), "a synonym set's canonical JSON does not parse back");
  fuzz::Require(again->json == set->json, "a synonym set's canonical JSON is not canonical");

  std::vector<std::string> queries = set->synonyms;
  if (!set->input.empty()) queries.push_back(set->input);
  std::shared_ptr<const merch::Thesaurus> thesaurus = merch::Thesaurus::Build({*std::move(set)});
  for (const std::string& q : queries)
    fuzz::SearchAndCheck({.q = q, .synonyms = thesaurus, .cacheable = false});
  return 0;
}
