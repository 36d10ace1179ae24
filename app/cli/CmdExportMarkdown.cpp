// export markdown --out DIR: one Markdown file per prompt with its outputs (Obsidian-ready).
#include "Cli.hpp"
#include "capture/MarkdownExport.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace pv::cli {

Command exportMarkdownCommand(CLI::App& exportApp) {
    CLI::App* md = exportApp.add_subcommand("markdown", "one Markdown file per prompt, with its outputs (Obsidian-ready)");
    auto out = std::make_shared<std::string>();
    md->add_option("--out", *out, "the folder to write to")->required();
    md->footer("Each file has YAML front matter (model, agent, tags) and the prompt's outputs, edited versions first\n"
               "and marked. File names are the title plus the last 8 characters of the prompt's id (more where that\n"
               "name is taken), kept in DIR/.promptvault-export so they stay stable; unchanged files are not\n"
               "rewritten; only files that list names are ever replaced or removed, and symbolic links in DIR are\n"
               "never followed.\n"
               "Exit status: 0 written; 1 some names were taken by files this export did not write (listed).");
    return {md, [out](const std::string& vault) {
                Store store(vault, {.readOnly = false, .create = false});
                auto r = capture::exportMarkdown(store, *out);
                std::cout << "markdown: " << r.written << " files written, " << r.unchanged << " unchanged, " << r.outputs
                          << " outputs, in " << *out << "\n";
                for (const auto& name : r.conflicts)
                    std::cout << "not written: '" << name << "' is a file this export did not write; it was left as it is\n";
                return r.conflicts.empty() ? 0 : 1;
            }};
}

} // namespace pv::cli
