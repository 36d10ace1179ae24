// Helpers of the sync suites: sync a vault in-process, export a vault or the server as text.
#pragma once
#include "Store.hpp"
#include "SyncEngine.hpp"

#include <string>

namespace pv::test {

sync::SyncReport syncVault(Store& store, const std::string& conninfo, int batchSize = 2000);
std::string exportOf(Store& store);
std::string readFileOrExport(const std::string& vaultPath);  // export json of a vault file
std::string serverExport(const std::string& conninfo, const std::string& schema = "promptvault");

} // namespace pv::test
