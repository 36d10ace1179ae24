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

class PgServer;
// What the sync schema promptvault of a database is, one line per fact, sorted: its relations and
// owners, columns (position, type, collation, nullability, default), constraints, indexes,
// functions, sequences, and schema_version's version. Read from information_schema and pg_catalog.
std::string serverSchemaSignature(const PgServer& pg, const std::string& db);

} // namespace pv::test
