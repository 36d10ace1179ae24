// promptvault: with a command it is the CLI; with none it opens the desktop app.
#include "cli/Cli.hpp"
#include "ui/RunApp.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    try {
        auto g = pv::cli::parseGlobal(argc, argv);
        if (g.help) {
            pv::cli::printUsage(std::cout);
            return 0;
        }
        if (!g.rest.empty() && g.rest[0].rfind("--", 0) != 0) return pv::cli::run(g);
        return pv::ui::runApp(g.vaultPath, g.rest);
    } catch (const std::exception& e) {
        std::cerr << "promptvault: " << e.what() << "\n";
        return 1;
    }
}
