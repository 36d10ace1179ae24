// The command-line interface of the promptvault binary. Built from store + sync only (no UI), so
// scripts, tests and CI can drive a vault without a display.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace pv::cli {

struct GlobalOptions {
    std::string vaultPath;  // --vault FILE, else the default under XDG data home
    std::vector<std::string> rest;  // the command and its arguments
    bool help = false;
};

// Parses global options; throws std::runtime_error on a malformed command line.
GlobalOptions parseGlobal(int argc, char** argv);

// $XDG_DATA_HOME/promptvault/vault.db (or ~/.local/share/promptvault/vault.db).
std::string defaultVaultPath();

// Runs a CLI command; returns its exit code. `rest` is non-empty.
int run(const GlobalOptions& g);

void printUsage(std::ostream& out);

// Commands, one file each.
int cmdAdd(const std::string& vault, const std::vector<std::string>& args);
int cmdExport(const std::string& vault, const std::vector<std::string>& args);
int cmdExportMarkdown(const std::string& vault, const std::vector<std::string>& args);  // export markdown ...
int cmdStats(const std::string& vault, const std::vector<std::string>& args);
int cmdImport(const std::string& vault, const std::vector<std::string>& args);
int cmdSync(const std::string& vault, const std::vector<std::string>& args);

// Small argument reader shared by the commands: --name VALUE, --flag, repeated options.
class Args {
public:
    explicit Args(std::vector<std::string> args) : m_args(std::move(args)) {}
    bool flag(const std::string& name);
    std::optional<std::string> value(const std::string& name);
    std::vector<std::string> values(const std::string& name);
    std::vector<std::string> positionals() const;  // what is left after options were taken
    void requireConsumed() const;                  // throws on unknown options

private:
    std::vector<std::string> m_args;
    std::vector<bool> m_used = std::vector<bool>(m_args.size(), false);
};

} // namespace pv::cli
