// The vault's change log (pv_changes) and its clock (pv_sync_state): the one place that knows how
// an entry is stored and read. Capture triggers and insertStaged() write entries (Migrations.cpp);
// sync reads them here as typed entries, marks them pushed or set aside, and merges clocks.
#pragma once
#include "Schema.hpp"
#include "Sqlite.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pv {

// A clock is "<hlc>@<device>" with hlc = '%015d.%06d' (ms.counter): plain text order is
// (time, counter, device) order, the same in C++, SQLite and PostgreSQL (COLLATE "C").
int64_t clockMs(const std::string& clock);
int64_t clockCounter(const std::string& clock);

// One entry of pv_changes.
struct ChangeEntry {
    int64_t seq = 0;
    std::string table;
    std::string rowKey;  // the key columns joined by kKeySeparator
    std::string op;      // insert / update / delete
    std::string cols;    // as stored: see ChangeColumns
    std::string clock;   // "<hlc>@<device>"
    std::string error;   // why it was set aside ("" when it was not)
    std::string hlc() const { return clock.substr(0, clock.find('@')); }
};

// What an entry's cols say. An insert names its columns (a JSON array: the values are the row's
// own, read at push time); an update carries the values it wrote, and an insert set aside keeps
// the values it had then (a JSON object, values as text, NULL as nullopt).
struct ChangeColumns {
    enum class Form { Names, Values, Unreadable } form = Form::Unreadable;
    std::vector<std::string> names;                       // Names; for Values the object's keys in order
    std::vector<std::optional<std::string>> values;       // Values: one per name
    std::string error;                                    // Unreadable: why
};
ChangeColumns parseChangeColumns(const std::string& cols);
// The values an insert entry keeps when set aside (a Values form of `cols`, in column order).
std::string frozenInsertColumns(const TableDef& t, const std::vector<std::optional<std::string>>& values);

// A row key split into its key columns' values, in t.key order.
std::vector<std::string> splitRowKey(const TableDef& t, const std::string& rowKey);

// A view of one vault's log; cheap to make (Store::changeLog()), valid while the Store lives.
class ChangeLog {
public:
    explicit ChangeLog(sql::Db& db) : m_db(db) {}

    // Pending entries after `afterSeq`, oldest first, at most `limit`.
    std::vector<ChangeEntry> pending(int64_t afterSeq, int limit);
    // The pending entries of one row (the columns a pull must not overwrite).
    std::vector<ChangeEntry> pendingFor(const std::string& table, const std::string& rowKey);
    // Every row with a pending entry: table -> row keys.
    std::map<std::string, std::vector<std::string>> pendingRows();
    bool anyPending();
    bool anySetAside();
    // Set-aside entries (error filled in), oldest first; only `seq` when given; at most `limit`.
    std::vector<ChangeEntry> setAside(std::optional<int64_t> seq = std::nullopt, int limit = -1);
    int64_t lastSeq();  // 0 for an empty log
    // What identifies one entry across copies of a vault: clock, device, row ("" when not there).
    std::string mark(int64_t seq);

    // After a push: one entry refused (keeps `cols`, e.g. frozenInsertColumns, when given), and
    // every other pending entry of [firstSeq, lastSeq] accepted.
    void markSetAside(int64_t seq, const std::string& error, const std::optional<std::string>& cols = std::nullopt);
    void markPushed(int64_t firstSeq, int64_t lastSeq);
    // A set-aside entry copied to the end of the log with its clock (the copy is pending); the
    // original is retired. Returns the copy's seq.
    int64_t requeue(int64_t seq);
    // A set-aside entry given up: retired, with `why`.
    void retire(int64_t seq, const std::string& why);

    // The device continues under a new random id: its pending and set-aside entries move to it.
    // Returns the new id; `moved` is how many entries moved.
    std::string renewDevice(int64_t& moved);
    // Merges a clock seen elsewhere into the device's clock (never moves it back).
    void mergeClock(const std::string& clock);
    // This vault's time as its log stamps it (SQLite's clock, ms since epoch).
    int64_t nowMs();

private:
    sql::Db& m_db;
};

} // namespace pv
