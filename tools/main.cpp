// tessera: the command-line entry point. One file per subcommand registers itself here.
#include <cstdio>
#include <utility>
#include <vector>

#include "base/error.h"
#include "tools/command.h"

int main(int argc, char** argv) {
  CLI::App root("Tessera: vendor-neutral AI inference", "tessera");
  root.require_subcommand(1);
  root.set_version_flag("--version", "tessera 0.1.0");
  std::vector<std::pair<CLI::App*, tessera::cli::CommandRunner>> commands;
  auto remember = [&](tessera::cli::CommandRunner runner) {
    commands.emplace_back(root.get_subcommands({}).back(), std::move(runner));
  };
#ifdef TESSERA_HAVE_RUN_COMMAND
  remember(tessera::cli::add_run_command(root));
#endif
#ifdef TESSERA_HAVE_INFO_COMMAND
  remember(tessera::cli::add_info_command(root));
#endif
#ifdef TESSERA_HAVE_BENCH_COMMAND
  remember(tessera::cli::add_bench_command(root));
#endif
#ifdef TESSERA_HAVE_PERPLEXITY_COMMAND
  remember(tessera::cli::add_perplexity_command(root));
#endif
#ifdef TESSERA_HAVE_TOKENIZE_COMMAND
  remember(tessera::cli::add_tokenize_command(root));
#endif
#ifdef TESSERA_HAVE_TEMPLATE_COMMAND
  remember(tessera::cli::add_template_command(root));
#endif
#ifdef TESSERA_HAVE_CONFORMANCE_COMMAND
  remember(tessera::cli::add_conformance_command(root));
#endif
#ifdef TESSERA_HAVE_CHAT_COMMAND
  remember(tessera::cli::add_chat_command(root));
#endif
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return root.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return root.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return root.exit(version);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "tessera: %s\n", error.what());
    return 1;
  }
  try {
    for (auto& [command, runner] : commands) {
      if (command->parsed()) return runner();
    }
  } catch (const tessera::Exception& failure) {
    std::fprintf(stderr, "tessera: %s\n", failure.what());
    return 1;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "tessera: %s\n", failure.what());
    return 1;
  }
  return 1;
}
