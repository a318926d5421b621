// What the fuzz targets share: a small real index of tests/testdata/products.jsonl
// built once per process in a temporary directory (removed at exit), searches on
// it as /v1/search runs them, the bundled analyzer vocabulary, and checks that
// abort (so libFuzzer keeps the input) when an invariant breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "analyzers/vocabulary.h"
#include "query/search.h"

namespace vitrine::fuzz {

// A directory under $TMPDIR (or /tmp) for this process, removed at exit.
const std::string& ScratchDir();

// Reindexes tests/testdata/products.jsonl into `data_dir` (a new generation
// becomes its CURRENT) and returns the generation opened as the server opens it.
std::shared_ptr<const query::Index> BuildFixtureIndex(const std::string& data_dir, bool writable);

// A read-only fixture generation under ScratchDir(), built on first use, and a
// searcher pool on it without merchandising config.
query::SearcherPool& FixturePool();

// Runs `request` as /v1/search does (server::SearchBody) and checks that the
// answer, when there is one, is valid JSON. A cacheable request runs twice,
// without and with the pool's result cache, and both answers must agree (so a
// cache key that two different requests share is found). Requests whose rules,
// synonyms or ranking carry no config version must not be cacheable.
void SearchAndCheck(const query::SearchRequest& request);

// The bundled vocabulary (data/analyzers), loaded on first use.
std::shared_ptr<const analyzers::Vocabulary> BundledVocabulary();

// Prints `what` and aborts when `condition` is false: a broken invariant is a
// finding, reported by libFuzzer like a crash.
void Require(bool condition, std::string_view what);
// Aborts when a setup step failed: the fuzzer would otherwise test nothing.
void RequireOk(const absl::Status& status, std::string_view what);

// Writes `data` to `path`, replacing it.
void WriteFile(const std::string& path, std::string_view data);

std::string_view AsText(const uint8_t* data, size_t size);

}  // namespace vitrine::fuzz
