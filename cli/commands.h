// The `vitrine` subcommands; each parses its own flags and returns the process
// exit code (0 success, 1 failure, 2 usage error).
#pragma once

namespace vitrine::cli {

int ReindexCommand(int argc, char** argv);
int ServeCommand(int argc, char** argv);
int ScopedKeyCommand(int argc, char** argv);
int GenerationsCommand(int argc, char** argv);
int SearchCommand(int argc, char** argv);
int AnalyzeCommand(int argc, char** argv);
int EvalCommand(int argc, char** argv);

}  // namespace vitrine::cli
