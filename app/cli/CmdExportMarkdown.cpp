// Placeholder until the Markdown exporter lands (issue 6); says so plainly instead of pretending.
#include "Cli.hpp"

#include <iostream>

namespace pv::cli {

int cmdExportMarkdown(const std::string&, const std::vector<std::string>&) {
    std::cerr << "promptvault export markdown: not available in this build yet\n";
    return 3;
}

} // namespace pv::cli
