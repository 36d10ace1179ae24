// The one relational schema (docs/architecture.md), described once so that SQLite DDL, change-capture
// triggers, the PostgreSQL mirror and `export json` all derive from the same column lists. Entity
// tables come from store/EntityTables.cpp (columns with their struct members); link tables are here.
#pragma once
#include <string>
#include <vector>

namespace pv {

enum class ColType { Text, Integer };

struct ColumnDef {
    std::string name;
    ColType type = ColType::Text;
    bool notNull = false;
    std::string sqliteDefault;  // SQL expression for SQLite, empty when none
    std::string references;     // "table(col)" for a foreign key, empty when none
    int addedIn = 0;            // schema version that added it to an existing table (ALTER TABLE
                                // ADD COLUMN: stored last in the vault and on the server), 0 = with the table
};

struct TableDef {
    std::string name;
    std::vector<ColumnDef> columns;  // in storage order: small columns first, long text last
    std::vector<std::string> key;    // primary key columns: {"id"} or a composite link key
    int sinceVersion = 1;            // schema version that introduced the table
    std::vector<std::string> checks; // CHECK constraint expressions, in order

    bool hasColumn(const std::string& c) const;
    const ColumnDef* column(const std::string& c) const;
    // SQL expression over NEW./OLD. that yields the change log's row_key for this table.
    std::string rowKeyExpr(const char* alias) const;
    // An insert's change entry: the JSON array of every column name (values are read from the row).
    std::string insertColumnsJson() const;
};

// created_at, updated_at, deleted_at: every synced table has them; deleted_at is the tombstone.
std::vector<ColumnDef> stampColumns();

// Current schema version (PRAGMA user_version). Bump it with a new frozen step
// store/migrations/vault_NN.sql (literal SQL, never edited afterwards) and the same change in syncedTables().
constexpr int kSchemaVersion = 10;
// PRAGMA application_id of a vault ("PVLT"): set on every vault opened writable, so another
// program's SQLite file is told apart before anything is written to it.
constexpr int32_t kApplicationId = 0x50564C54;

// Page size of a new vault file (an existing file keeps the size it was made with).
constexpr int kPageSize = 65536;

// Every synced table, in dependency order (parents before children).
const std::vector<TableDef>& syncedTables();
const TableDef* findTable(const std::string& name);

// SQL expressions used in DDL and triggers.
std::string sqlNowIso();     // ISO-8601 UTC with milliseconds
std::string sqlNowMs();      // integer ms since epoch
std::string sqlUuidV7();     // a UUIDv7 made in SQL, so sqlite3-shell inserts get valid ids too

// What pv_sync_state.applying tells the vault's triggers. Each level pauses what the levels below
// it pause, so a trigger compares: capture runs only at Capture, the outputs insert counter below
// CountersOff, the search insert triggers below SearchOff.
enum class Applying : int {
    Capture = 0,      // normal: every edit is logged in pv_changes
    CaptureOff = 1,   // a pull applies the server's rows, or insertStaged() moves rows and logs them itself
    CountersOff = 2,  // also the outputs insert counter: insertStaged() counts the moved outputs set-based
    SearchOff = 3,    // also the search insert triggers: insertStaged() indexes the moved chunk itself
};
std::string setApplyingSql(Applying a);  // the UPDATE that sets it
std::string applyingIsSql(Applying a);     // trigger condition: applying = a
std::string applyingBelowSql(Applying a);  // trigger condition: applying < a

// Row keys of composite-key tables join the key columns with this separator.
constexpr char kKeySeparator = '|';

} // namespace pv
