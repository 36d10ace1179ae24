// import chatgpt|claude PATH: a data export into the vault, with progress lines on stderr and the
// counts of new and already-present records on stdout.
#include "Cli.hpp"
#include "capture/Import.hpp"

#include "CommandLine.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace pv::cli {

namespace {

struct ImportArgs {
    std::string kind, path, model;
    bool dryRun = false, quiet = false;
};

int runImport(const ImportArgs& a, const std::string& vault) {
    capture::ImportOptions o;
    o.dryRun = a.dryRun;
    if (!a.model.empty()) o.defaultModelName = a.model;
    o.source = *capture::sourceFromName(a.kind);
    o.path = a.path;

    Store store(vault);
    using Clock = std::chrono::steady_clock;
    auto last = Clock::now() - std::chrono::seconds(10);
    auto progress = [&](const capture::ImportProgress& p) {
        auto now = Clock::now();
        if (a.quiet || now - last < std::chrono::milliseconds(500)) return;
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

} // namespace

Command importCommand(CLI::App& parent) {
    CLI::App* imp = parent.add_subcommand("import", "import a ChatGPT or Claude data export");
    auto a = std::make_shared<ImportArgs>();
    imp->add_option("kind", a->kind, "chatgpt or claude")->required()->check(cmdline::oneOf({"chatgpt", "claude"}));
    imp->add_option("path", a->path, "the .zip as downloaded, its conversations.json, or the unpacked folder")->required();
    imp->add_option("--model", a->model,
                    "model for outputs whose export names none (Claude exports never do); default \"ChatGPT (unspecified)\" / "
                    "\"Claude (unspecified)\"");
    imp->add_flag("--dry-run", a->dryRun, "count what would be added, write nothing");
    imp->add_flag("--quiet", a->quiet, "no progress lines");
    imp->footer("conversations-000.json, ... are read too. Importing again adds only what is new.\n"
                "Exit status: 0 all imported (new or already present); 1 imported, but some items were skipped\n"
                "(listed); 2 nothing imported (not an export, or every conversation skipped); 3 stopped early\n"
                "(disk full, read-only or locked vault): what was committed is listed, importing again finishes.");
    return {imp, [a](const std::string& vault) { return runImport(*a, vault); }};
}

} // namespace pv::cli
