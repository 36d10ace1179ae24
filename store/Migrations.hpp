#pragma once
#include "RowBuffer.hpp"
#include "Schema.hpp"
#include "Sqlite.hpp"

#include <string>
#include <vector>

namespace pv {

// Brings the vault from its PRAGMA user_version up to `target` (default: current). An empty file
// asked for the current version is made in one transaction from today's table descriptions; any
// other climbs the frozen steps (store/migrations/vault_NN.sql, the literal SQL of each version),
// one transaction per step, so migrate(db, 4) makes exactly what a version-4 build made.
// A vault newer than this build is refused with a clear error rather than touched.
void migrate(sql::Db& db, int target = -1);

// Bulk insert: moves every row of `rows` (columns `cols`, in buffer order) into table t by one
// statement with the per-row capture triggers (and the outputs insert counter) paused, then logs
// and counts the moved rows set-based, exactly as those triggers would have, in the same
// transaction. The per-row triggers cost as much as the row itself. Search triggers still run per
// row (one statement, so FTS5 flushes its index once). Throws sql::Error if a row is refused; the
// statement then undid itself.
void insertStaged(sql::Db& db, const TableDef& t, const std::string& cols, const sql::RowBuffer& rows);

// The columns of `table` that its full-text index covers (none for a table without one). An
// UPDATE whose SET names one of them re-indexes the row (the trigger is AFTER UPDATE OF those
// columns), whether or not the value changed.
std::vector<std::string> searchIndexedColumns(const std::string& table);

} // namespace pv
