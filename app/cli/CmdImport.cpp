// Placeholder until the importers land (issue 6); says so plainly instead of pretending.
#include "Cli.hpp"

#include <iostream>

namespace pv::cli {

int cmdImport(const std::string&, const std::vector<std::string>&) {
    std::cerr << "promptvault import: not available in this build yet\n";
    return 3;
}

} // namespace pv::cli
