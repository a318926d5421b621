// vitrine analyze: what the analyzer makes of a string, token by token and field
// by field — the same analysis the indexer and the query parser run.
#include <cstdio>
#include <memory>

#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "indexer/document_builder.h"
#include "indexer/generations.h"
#include "query/search.h"

namespace vitrine::cli {
namespace {

// The analyzer of --data-dir's current generation, else one built from
// --analyzer and --vocabulary (defaults: fashion, the bundled vocabulary).
absl::StatusOr<std::shared_ptr<const analyzers::Analyzer>> AnalyzerFromFlags(const Flags& flags) {
  if (std::optional<std::string> path = flags.Get("data-dir")) {
    ASSIGN_OR_RETURN(indexer::DataDir dir, indexer::DataDir::Open(*path));
    ASSIGN_OR_RETURN(indexer::Generation generation, dir.Current());
    ASSIGN_OR_RETURN(std::shared_ptr<const query::Index> index,
                     query::OpenIndex({.generation = generation.id,
                                       .xapian_path = generation.xapian_path(),
                                       .snapshot_path = generation.snapshot_path(),
                                       .analyzers_path = generation.analyzers_path(),
                                       .suggestions = false}));
    // The analyzer lives as long as the index that owns it.
    return std::shared_ptr<const analyzers::Analyzer>(index, &index->analyzer());
  }
  analyzers::AnalyzerOptions options;
  const std::string profile = flags.Get("analyzer").value_or("fashion");
  if (!analyzers::ParseProfile(profile, options.profile)) {
    return InvalidParameter("analyzer",
                            StrCat("--analyzer must be fashion or baseline, got '", profile, "'"));
  }
  if (options.profile == analyzers::Profile::kBaseline) {
    return std::make_shared<const analyzers::Analyzer>(options);
  }
  ASSIGN_OR_RETURN(std::vector<analyzers::VocabularyFile> files,
                   analyzers::ReadVocabularyFiles(
                       flags.Get("vocabulary").value_or(analyzers::DefaultVocabularyDir())));
  ASSIGN_OR_RETURN(std::shared_ptr<const analyzers::Vocabulary> vocabulary,
                   analyzers::Vocabulary::Parse(files));
  return std::make_shared<const analyzers::Analyzer>(options, std::move(vocabulary));
}

}  // namespace

int AnalyzeCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags = Flags::Parse(argc, argv, {"data-dir", "analyzer", "vocabulary"});
  if (!flags.ok()) return Fail(flags.status());
  std::string text;
  for (const std::string& word : flags->positional()) text += (text.empty() ? "" : " ") + word;
  if (text.empty()) {
    std::fprintf(stderr,
                 "usage: vitrine analyze [--data-dir DIR | --analyzer fashion|baseline "
                 "[--vocabulary DIR]] TEXT...\n");
    return 2;
  }
  if (!IsValidUtf8(text)) return Fail(InvalidParameter("text", "the text is not valid UTF-8"));
  absl::StatusOr<std::shared_ptr<const analyzers::Analyzer>> analyzer = AnalyzerFromFlags(*flags);
  if (!analyzer.ok()) return Fail(analyzer.status());

  std::printf("text       %s\nanalyzer   %s\ntokens    ", text.c_str(),
              std::string(analyzers::ProfileName((*analyzer)->options().profile)).c_str());
  for (const analyzers::Token& token : (*analyzer)->Analyze(text)) {
    std::string shown = StrCat(" ", token.term, "@", token.position);
    if (token.kind != analyzers::TokenKind::kWord) {
      shown += StrCat("[", analyzers::TokenKindName(token.kind),
                      token.family.empty() ? "" : " family=", token.family, "]");
    }
    std::printf("%s", shown.c_str());
  }
  std::printf("\n");
  for (const catalog::schema::TextField& field : catalog::schema::kTextFields) {
    std::string terms;
    for (const std::string& term : indexer::TextFieldTerms(**analyzer, field.name, text)) {
      terms += " " + term;
    }
    std::printf("%-11.*s%s\n", static_cast<int>(field.name.size()), field.name.data(),
                terms.c_str());
  }
  return 0;
}

}  // namespace vitrine::cli
