// export markdown --out DIR: one Markdown file per prompt with its outputs (Obsidian-ready).
#include "Cli.hpp"
#include "capture/MarkdownExport.hpp"

#include <iostream>

namespace pv::cli {

namespace {
const char* kHelp =
    "usage: promptvault [--vault FILE] export markdown --out DIR\n"
    "Writes one Markdown file per prompt, with YAML front matter (model, agent, tags) and its outputs,\n"
    "edited versions first and marked. File names are the title plus the last 8 characters of the\n"
    "prompt's id (more where that name is taken), kept in DIR/.promptvault-export so they stay\n"
    "stable; unchanged files are not rewritten; only files that list names are ever replaced or\n"
    "removed, and symbolic links in DIR are never followed.\n"
    "Exit status: 0 written; 1 some names were taken by files this export did not write (listed).\n";
} // namespace

int cmdExportMarkdown(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << kHelp;
        return 0;
    }
    auto out = a.value("--out");
    a.requireConsumed();
    if (!out || out->empty()) {
        std::cerr << "promptvault export markdown: --out DIR is required\n";
        return 2;
    }
    if (!a.positionals().empty()) {
        std::cerr << "promptvault export markdown: unexpected argument '" << a.positionals()[0] << "'\n";
        return 2;
    }
    Store store(vault, {.readOnly = false, .create = false});
    auto r = capture::exportMarkdown(store, *out);
    std::cout << "markdown: " << r.written << " files written, " << r.unchanged << " unchanged, " << r.outputs << " outputs, in "
              << *out << "\n";
    for (const auto& name : r.conflicts)
        std::cout << "not written: '" << name << "' is a file this export did not write; it was left as it is\n";
    return r.conflicts.empty() ? 0 : 1;
}

} // namespace pv::cli
