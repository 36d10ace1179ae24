// promptvault: with a command it is the CLI; with none it opens the desktop app.
#include "cli/Cli.hpp"
#include "ui/RunApp.hpp"

int main(int argc, char** argv) { return pv::cli::main(argc, argv, pv::ui::runApp); }
