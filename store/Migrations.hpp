#pragma once
#include "Sqlite.hpp"

namespace pv {

// Brings the vault from its PRAGMA user_version up to `target` (default: current), one
// versioned step per transaction, and (re)creates the change-capture and search triggers.
// A vault newer than this build is refused with a clear error rather than touched.
void migrate(sql::Db& db, int target = -1);

// The change-capture triggers of every synced table present in the vault.
void createCaptureTriggers(sql::Db& db, int version);

} // namespace pv
