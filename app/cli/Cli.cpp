#include "Cli.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace pv::cli {

bool Args::flag(const std::string& name) {
    for (size_t i = 0; i < m_args.size(); ++i)
        if (!m_used[i] && m_args[i] == name) return m_used[i] = true;
    return false;
}

std::optional<std::string> Args::value(const std::string& name) {
    auto all = values(name);
    if (all.empty()) return std::nullopt;
    return all.back();
}

std::vector<std::string> Args::values(const std::string& name) {
    std::vector<std::string> out;
    for (size_t i = 0; i < m_args.size(); ++i) {
        if (m_used[i]) continue;
        if (m_args[i] == name) {
            if (i + 1 >= m_args.size()) throw std::runtime_error("option " + name + " needs a value");
            m_used[i] = m_used[i + 1] = true;
            out.push_back(m_args[i + 1]);
            ++i;
        } else if (m_args[i].rfind(name + "=", 0) == 0) {
            m_used[i] = true;
            out.push_back(m_args[i].substr(name.size() + 1));
        }
    }
    return out;
}

std::vector<std::string> Args::positionals() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < m_args.size(); ++i)
        if (!m_used[i] && (m_args[i].empty() || m_args[i][0] != '-' || m_args[i] == "-")) out.push_back(m_args[i]);
    return out;
}

void Args::requireConsumed() const {
    for (size_t i = 0; i < m_args.size(); ++i)
        if (!m_used[i] && !m_args[i].empty() && m_args[i][0] == '-' && m_args[i] != "-")
            throw std::runtime_error("unknown option '" + m_args[i] + "' (see --help)");
}

std::string defaultVaultPath() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/promptvault/vault.db";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/promptvault/vault.db";
}

GlobalOptions parseGlobal(int argc, char** argv) {
    GlobalOptions g;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (g.rest.empty() && a == "--vault") {
            if (i + 1 >= argc) throw std::runtime_error("--vault needs a file path");
            g.vaultPath = argv[++i];
        } else if (g.rest.empty() && a.rfind("--vault=", 0) == 0) {
            g.vaultPath = a.substr(8);
        } else if (g.rest.empty() && (a == "--help" || a == "-h")) {
            g.help = true;
        } else {
            g.rest.push_back(a);
        }
    }
    if (g.vaultPath.empty()) g.vaultPath = defaultVaultPath();
    return g;
}

void printUsage(std::ostream& out) {
    out << "promptvault: your own record of prompts and LLM outputs\n\n"
           "usage:\n"
           "  promptvault [--vault FILE]                          open the app\n"
           "  promptvault [--vault FILE] add output ...           capture one output with its relations\n"
           "  promptvault [--vault FILE] import chatgpt|claude PATH   import a data export (.zip or conversations.json)\n"
           "  promptvault [--vault FILE] export json [--out F]    every table as JSON\n"
           "  promptvault [--vault FILE] sync [--pg CONNINFO]     push and pull once\n"
           "  promptvault [--vault FILE] stats                    row counts per table, pending changes\n\n"
           "  --vault FILE   the vault (default " << defaultVaultPath() << ")\n"
           "  COMMAND --help shows the options of a command.\n";
}

int run(const GlobalOptions& g) {
    const std::string& cmd = g.rest[0];
    std::vector<std::string> args(g.rest.begin() + 1, g.rest.end());
    if (cmd == "add") return cmdAdd(g.vaultPath, args);
    if (cmd == "export") return cmdExport(g.vaultPath, args);
    if (cmd == "stats") return cmdStats(g.vaultPath, args);
    if (cmd == "import") return cmdImport(g.vaultPath, args);
    if (cmd == "sync") return cmdSync(g.vaultPath, args);
    if (cmd == "help") {
        printUsage(std::cout);
        return 0;
    }
    std::cerr << "promptvault: unknown command '" << cmd << "'\n";
    printUsage(std::cerr);
    return 2;
}

} // namespace pv::cli
