// Placeholder until the sync engine lands (issue 3); says so plainly instead of pretending.
#include "Cli.hpp"

#include <iostream>

namespace pv::cli {

int cmdSync(const std::string&, const std::vector<std::string>&) {
    std::cerr << "promptvault sync: not available in this build yet\n";
    return 3;
}

} // namespace pv::cli
