#pragma once
#include "cli/Cli.hpp"

namespace pv::ui {
// Opens the desktop app on opt.vaultPath with the app options of the command line (--show SCREEN,
// --select ID, --screenshot PNG, ...). Returns the process exit code.
int runApp(const cli::AppOptions& opt);
}
