#pragma once
#include "Schema.hpp"
#include "Sqlite.hpp"

#include <string>

namespace pv {

// Brings the vault from its PRAGMA user_version up to `target` (default: current), one
// versioned step per transaction, and (re)creates the change-capture and search triggers.
// A vault newer than this build is refused with a clear error rather than touched.
void migrate(sql::Db& db, int target = -1);

// The change-capture triggers of every synced table present in the vault.
void createCaptureTriggers(sql::Db& db, int version);

// Set-based capture for a bulk insert: with capture paused (CapturePause), rows were moved from
// `stageTable` into t; this logs one insert change per staged row, in staged (rowid) order, with
// the clock stamps the per-row trigger would have given them. Same transaction as the insert.
void logStagedInserts(sql::Db& db, const TableDef& t, const std::string& stageTable);

// Pauses the capture triggers on this connection's vault for one bulk statement (the sync
// engine's `applying` flag); resumes when destroyed or resume() is called.
class CapturePause {
public:
    explicit CapturePause(sql::Db& db);
    ~CapturePause();
    void resume();
    CapturePause(const CapturePause&) = delete;
    CapturePause& operator=(const CapturePause&) = delete;

private:
    sql::Db& m_db;
    bool m_paused = true;
};

} // namespace pv
