// The command line of the promptvault binary, parsed with CLI11 (cmdline/). With a command it is the
// CLI, built from store + sync only (no UI), so scripts, tests and CI can drive a vault without a
// display; with none it opens the desktop app through the function main() is given.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pv {
class Store;
}

namespace pv::cli {

// What the desktop app is opened with. Plain data: the UI reads it, the CLI parses it.
struct AppOptions {
    std::string vaultPath;
    std::string show;        // --show SCREEN
    std::string select;      // --select ID
    std::string screenshot;  // --screenshot PNG: draw, save, exit
    int tab = -1;            // --tab: the output editor's text tab (0 raw, 1 edited, 2 diff, 3 preview)
    int width = 0, height = 0;  // --size WxH
    std::string bench;       // --bench PHASE: a phase (scroll, glyphs, editor, type) or "all" (bench/ui)
    int benchFrames = 300;   // --bench-frames N
};

using OpenApp = std::function<int(const AppOptions&)>;

// $XDG_DATA_HOME/promptvault/vault.db (or ~/.local/share/promptvault/vault.db).
std::string defaultVaultPath();

// Parses the command line and runs the command it names, or opens the app. Returns the exit code:
// 2 for a command line that does not parse (the message says which argument and why).
int main(int argc, char** argv, const OpenApp& openApp);
// The same for a command line given as words, without the program name (tests drive the CLI with
// it). With no openApp, a command line without a command is refused.
int main(std::vector<std::string> args, const OpenApp& openApp = {});

// A command: its CLI11 subcommand, and what it does once the command line has parsed.
struct Command {
    CLI::App* app = nullptr;
    std::function<int(const std::string& vaultPath)> run;
};

// Each adds its subcommand to `parent`; one file each.
Command addCommand(CLI::App& parent);
Command exportCommand(CLI::App& parent);  // export json | export markdown
Command exportMarkdownCommand(CLI::App& exportApp);
Command statsCommand(CLI::App& parent);
Command importCommand(CLI::App& parent);
Command syncCommand(CLI::App& parent);

} // namespace pv::cli
