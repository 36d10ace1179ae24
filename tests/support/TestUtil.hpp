// Helpers shared by the suites: a temp folder that cleans up, running a command, reading files.
#pragma once
#include <filesystem>
#include <string>

namespace pv::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

struct CommandResult {
    int exitCode = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs a shell command line; captures stdout and stderr. stdinText is fed to its stdin.
CommandResult runCommand(const std::string& commandLine, const std::string& stdinText = "");

// Single-quotes s for /bin/sh.
std::string shellQuote(const std::string& s);

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);

// The sqlite3 shell and the promptvault binary, from the environment CTest sets.
std::string sqliteShell();
std::string promptvaultBinary();

} // namespace pv::test
