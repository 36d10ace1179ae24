// Writes the way older builds did, for migration tests.
#pragma once
#include "Sqlite.hpp"

#include <string>

namespace pv::test {

// Runs `insertSql` (one row of `table`, key `rowKey`) on a vault migrated to version 4 and logs it
// as a version-4 build did: the change entry copies every column's value (json_object), where
// version 5 names the columns only.
void writeAsVersion4(sql::Db& db, const std::string& insertSql, const std::string& table, const std::string& rowKey);

} // namespace pv::test
