#include "TestUtil.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <sys/wait.h>

namespace pv::test {

TempDir::TempDir() {
    std::random_device rd;
    auto base = std::filesystem::temp_directory_path();
    for (int i = 0; i < 100; ++i) {
        auto p = base / ("pvtest-" + std::to_string(rd()));
        std::error_code ec;
        if (std::filesystem::create_directory(p, ec)) {
            m_path = p;
            std::filesystem::permissions(p, std::filesystem::perms::all, ec);  // the postgres user may need it
            return;
        }
    }
    throw std::runtime_error("cannot create a temp folder under " + base.string());
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
}

CommandResult runCommand(const std::string& commandLine, const std::string& stdinText) {
    TempDir tmp;
    auto in = tmp.file("stdin"), out = tmp.file("stdout"), err = tmp.file("stderr");
    writeFile(in, stdinText);
    std::string full = "(" + commandLine + ") <" + shellQuote(in) + " >" + shellQuote(out) + " 2>" + shellQuote(err);
    int status = std::system(full.c_str());
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(out);
    r.err = readFile(err);
    return r;
}

std::string sqliteShell() {
    const char* s = std::getenv("PV_SQLITE3");
    return s && *s ? s : "sqlite3";
}

std::string promptvaultBinary() {
    const char* s = std::getenv("PV_BINARY");
    if (!s || !*s) throw std::runtime_error("PV_BINARY is not set (run the tests through ctest)");
    return s;
}

} // namespace pv::test
