// Vaults as older builds left them, for migration tests.
#pragma once
#include "Sqlite.hpp"

namespace pv::test {

// Migrates an empty file to schema version 4 by the frozen steps, so it has version 4's triggers:
// an insert's change entry copies every value (json_object) instead of naming the columns, and the
// outputs insert counter has no pause. Writes made afterwards are logged exactly as a version-4
// build logged them. Checks that it is so (a step that drifted from version 4 fails here).
void makeVersion4(sql::Db& db);

} // namespace pv::test

#include <string>
#include <vector>

namespace pv::test {

// What a vault's schema is, one line per fact, sorted: every sqlite_schema object (type, name,
// table, SQL with whitespace collapsed and a renamed table's quoted name unquoted; not rootpage),
// per table PRAGMA table_info, index_list (with each index's index_xinfo) and foreign_key_list,
// each full-text index's %_config rows, and user_version. Two vaults with equal lists have the
// same tables, columns, keys, indexes, triggers and search settings.
std::vector<std::string> schemaSignature(sql::Db& db);

} // namespace pv::test
