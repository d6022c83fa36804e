// Each subcommand lives in its own file and registers itself on the root CLI11 app.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace tessera::cli {

// The model commands use when -m is not given (`make model` fetches it).
inline constexpr const char* kDefaultModel = "models/SmolLM2-135M-Instruct.Q4_1.gguf";

// Runs a parsed subcommand and returns the process exit code (0 success, 1 error).
using CommandRunner = std::function<int()>;

CommandRunner add_run_command(CLI::App& root);
CommandRunner add_chat_command(CLI::App& root);
CommandRunner add_info_command(CLI::App& root);
CommandRunner add_bench_command(CLI::App& root);
CommandRunner add_perplexity_command(CLI::App& root);
CommandRunner add_tokenize_command(CLI::App& root);
CommandRunner add_template_command(CLI::App& root);
CommandRunner add_conformance_command(CLI::App& root);

}  // namespace tessera::cli
