#include "Cli.hpp"

#include "CommandLine.hpp"
#include "Pg.hpp"

#include <cstdlib>
#include <iostream>

namespace pv::cli {

std::string defaultVaultPath() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/promptvault/vault.db";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/promptvault/vault.db";
}

namespace {

// The app's own options, in their own group of the root's help.
const std::vector<std::string> kTabs = {"raw", "edited", "diff", "preview"};

void addAppOptions(CLI::App& root, AppOptions& o, std::string& size, std::string& tab) {
    const char* group = "App options (no command)";
    root.add_option("--show", o.show, "open on a screen: outputs, prompts, agents, models, tags, qa, lookups, import, sync, graph")
        ->group(group);
    root.add_option("--select", o.select, "open with the record ID selected")->group(group);
    root.add_option("--tab", tab, "the output editor's tab")->check(cmdline::oneOf(kTabs))->group(group);
    root.add_option("--screenshot", o.screenshot, "draw one settled frame, save it as this PNG and exit")->group(group);
    root.add_option("--size", size, "window size WIDTHxHEIGHT, e.g. 1440x900 (at least 320x240)")
        ->check(cmdline::sizeWxH(320, 240))
        ->group(group);
    root.add_option("--bench", o.bench, "measure frames: scroll, glyphs, editor, type or all (bench/ui)")->group(group);
    root.add_option("--bench-frames", o.benchFrames, "frames per bench phase")->check(cmdline::wholeNumber(10, 1000000))->group(group);
}

} // namespace

int main(int argc, char** argv, const OpenApp& openApp) { return main(std::vector<std::string>(argv + 1, argv + argc), openApp); }

int main(std::vector<std::string> args, const OpenApp& openApp) {
    CLI::App root("Promptvault: your own record of prompts and LLM outputs.\nWith no command it opens the desktop app.",
                  "promptvault");
    root.set_help_all_flag("", "");
    root.require_subcommand(0, 1);
    AppOptions appOptions;
    std::string size, tab;
    root.add_option("--vault", appOptions.vaultPath, "the vault file (default " + defaultVaultPath() + ")");
    addAppOptions(root, appOptions, size, tab);
    root.footer("COMMAND --help shows the options of a command.");

    std::vector<Command> commands = {addCommand(root), importCommand(root), exportCommand(root), syncCommand(root), statsCommand(root)};
    CLI::App* help = root.add_subcommand("help", "show this help");

    // A password in a connection string the user mistyped never reaches the terminal.
    auto code = cmdline::parse(root, std::move(args), std::cout, std::cerr, [](const std::string& s) { return sync::maskPasswords(s); });
    if (code) return *code;
    if (help->parsed()) {
        std::cout << root.get_formatter()->make_help(&root, "promptvault", CLI::AppFormatMode::Normal);
        return 0;
    }
    if (appOptions.vaultPath.empty()) appOptions.vaultPath = defaultVaultPath();
    try {
        for (const Command& c : commands)
            if (c.app->parsed()) {
                for (const CLI::Option* o : root.get_options())
                    if (o->get_group() == std::string("App options (no command)") && o->count() > 0) {
                        std::cerr << "promptvault: " << o->get_name() << " is an app option; it cannot be used with the "
                                  << c.app->get_name() << " command (see --help)\n";
                        return 2;
                    }
                return c.run(appOptions.vaultPath);
            }
        if (!openApp) {
            std::cerr << "promptvault: no command given (see --help)\n";
            return 2;
        }
        if (!size.empty()) cmdline::parseSize(size, appOptions.width, appOptions.height);
        for (size_t t = 0; t < kTabs.size(); ++t)
            if (tab == kTabs[t]) appOptions.tab = int(t);
        return openApp(appOptions);
    } catch (const std::exception& e) {
        std::cerr << "promptvault: " << e.what() << "\n";
        return 1;
    }
}

} // namespace pv::cli
