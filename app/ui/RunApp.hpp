#pragma once
#include <string>
#include <vector>

namespace pv::ui {
// Opens the desktop app on the vault. `options` are app flags: --show SCREEN, --select ID,
// --screenshot PNG. Returns the process exit code.
int runApp(const std::string& vaultPath, const std::vector<std::string>& options);
}
