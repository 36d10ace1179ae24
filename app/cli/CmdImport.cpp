// import chatgpt|claude PATH: a data export into the vault, with progress lines on stderr and the
// counts of new and already-present records on stdout.
#include "Cli.hpp"
#include "capture/Import.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace pv::cli {

namespace {
const char* kImportHelp =
    "usage: promptvault [--vault FILE] import chatgpt|claude PATH [--model NAME] [--dry-run] [--quiet]\n"
    "Imports a ChatGPT or Claude data export: the .zip as downloaded, its conversations.json\n"
    "(conversations-000.json, ... are read too), or the unpacked folder. Importing again adds only\n"
    "what is new.\n"
    "  --model NAME   model for outputs whose export names none (Claude exports never do);\n"
    "                 default \"ChatGPT (unspecified)\" / \"Claude (unspecified)\"\n"
    "  --dry-run      count what would be added, write nothing\n"
    "  --quiet        no progress lines\n"
    "Exit status: 0 all imported (new or already present); 1 imported, but some items were skipped\n"
    "(listed); 2 nothing imported (not an export, or every conversation skipped); 3 stopped early\n"
    "(disk full, read-only or locked vault): what was committed is listed, importing again finishes.\n";
} // namespace

int cmdImport(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << kImportHelp;
        return 0;
    }
    capture::ImportOptions o;
    o.dryRun = a.flag("--dry-run");
    bool quiet = a.flag("--quiet");
    if (auto m = a.value("--model")) o.defaultModelName = *m;
    a.requireConsumed();
    auto pos = a.positionals();
    if (pos.size() != 2) {
        std::cerr << "promptvault import: expected 'import chatgpt|claude PATH' (see import --help)\n";
        return 2;
    }
    auto source = capture::sourceFromName(pos[0]);
    if (!source) {
        std::cerr << "promptvault import: unknown export kind '" << pos[0] << "' (chatgpt or claude)\n";
        return 2;
    }
    o.source = *source;
    o.path = pos[1];

    Store store(vault);
    using Clock = std::chrono::steady_clock;
    auto last = Clock::now() - std::chrono::seconds(10);
    auto progress = [&](const capture::ImportProgress& p) {
        auto now = Clock::now();
        if (quiet || now - last < std::chrono::milliseconds(500)) return;
        last = now;
        char line[200];
        if (p.bytesTotal)
            std::snprintf(line, sizeof line, "import: %5.1f%%  %lld conversations  %.1f / %.1f MB  %s\n",
                          100.0 * static_cast<double>(p.bytesDone) / static_cast<double>(p.bytesTotal),
                          static_cast<long long>(p.conversations), static_cast<double>(p.bytesDone) / 1e6,
                          static_cast<double>(p.bytesTotal) / 1e6, p.currentFile.c_str());
        else
            std::snprintf(line, sizeof line, "import: %lld conversations  %.1f MB  %s\n", static_cast<long long>(p.conversations),
                          static_cast<double>(p.bytesDone) / 1e6, p.currentFile.c_str());
        std::cerr << line << std::flush;
    };
    auto report = capture::runImport(store, o, progress);
    if (!report.fatalError.empty()) {
        std::cerr << "promptvault import: " << report.fatalError << "\nnothing was imported\n";
        return 2;
    }
    std::cout << capture::formatReport(report) << std::flush;
    if (!report.stoppedError.empty()) std::cerr << "promptvault import: stopped early: " << report.stoppedError << "\n";
    return capture::importExitCode(report);
}

} // namespace pv::cli
