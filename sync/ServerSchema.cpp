// The PostgreSQL side: the same tables as the vault, plus per-column clocks and the bookkeeping of
// pushes. Created and migrated by the program on first contact. A new schema is made from today's
// table descriptions (syncedTables()); an older one climbs the frozen steps
// (sync/migrations/server_NN.sql, the literal SQL of each version). test_sync_server_schema proves
// that both end equal.
#include "Schema.hpp"
#include "SyncEngine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace pv::sync::frozen {
extern const char* const kServerSteps[];
extern const int kServerStepsCount;
} // namespace pv::sync::frozen

namespace pv::sync {
namespace {

std::string pgColumnType(const ColumnDef& c) { return c.type == ColType::Integer ? "bigint" : "text COLLATE \"C\""; }

std::string createTableSql(const std::string& s, const TableDef& t) {
    std::string sql = "CREATE TABLE " + s + "." + t.name + " (";
    auto column = [&](const ColumnDef& c) {
        sql += c.name + " " + pgColumnType(c);
        if (c.notNull) sql += " NOT NULL";
        sql += ", ";
    };
    for (const auto& c : t.columns)
        if (!c.addedIn) column(c);
    // _clocks: column -> "hlc@device" of the write that set it (per-column last-writer-wins);
    // "*" for every column not named (compact clocks, server step 4; see SyncEngine's colClock).
    // _seq / _xid: the change_log entry and the transaction that last changed the row (pull cursor).
    sql += "_clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, ";
    // Columns added later follow, where ALTER TABLE ADD COLUMN put them on older servers.
    for (const auto& c : t.columns)
        if (c.addedIn) column(c);
    sql += "PRIMARY KEY (";
    for (size_t i = 0; i < t.key.size(); ++i) sql += (i ? ", " : "") + t.key[i];
    sql += ")";
    for (const auto& c : t.columns) {
        if (c.references.empty()) continue;
        sql += ", FOREIGN KEY (" + c.name + ") REFERENCES " + s + "." + c.references;
    }
    for (const auto& c : t.checks) sql += ", CHECK (" + c + ")";
    sql += ");\n";
    sql += "CREATE INDEX " + t.name + "_xid ON " + s + "." + t.name + " (_xid);\n";
    return sql;
}

// Today's schema: the bookkeeping tables and every synced table.
std::string currentSchemaSql(const std::string& s) {
    std::string sql = "CREATE TABLE " + s + R"SQL(.schema_version (version int NOT NULL, server_id text NOT NULL);
CREATE TABLE )SQL" + s + R"SQL(.devices (device_id text COLLATE "C" PRIMARY KEY, pushed_seq bigint NOT NULL DEFAULT 0,
  last_push_at timestamptz, pushed_mark text);
CREATE TABLE )SQL" + s + R"SQL(.refused_changes (device_id text COLLATE "C" NOT NULL, seq bigint NOT NULL, tbl text NOT NULL,
  row_key text NOT NULL, error text NOT NULL, refused_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (device_id, seq));
CREATE TABLE )SQL" + s + R"SQL(.change_log (server_seq bigserial PRIMARY KEY, xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  device_id text NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL, changes int NOT NULL DEFAULT 0,
  rows_changed int NOT NULL DEFAULT 0, refused int NOT NULL DEFAULT 0, committed_at timestamptz NOT NULL DEFAULT now());
)SQL";
    for (const auto& t : syncedTables()) sql += createTableSql(s, t);
    return sql;
}

// Frozen step `version`, for schema s (quoted).
std::string frozenStepSql(int version, const std::string& s) {
    if (frozen::kServerStepsCount != kServerSchemaVersion)
        throw PgError("this build has " + std::to_string(frozen::kServerStepsCount) + " frozen server steps for server schema version " +
                          std::to_string(kServerSchemaVersion), false);
    std::string sql = frozen::kServerSteps[version - 1];
    const std::string mark = "@schema@";
    for (size_t at = sql.find(mark); at != std::string::npos; at = sql.find(mark, at + s.size())) sql.replace(at, mark.size(), s);
    return sql;
}

} // namespace

std::string ensureServerSchema(PgConn& conn, const std::string& schema, int newVersion) {
    const std::string s = quoteIdent(schema);
    conn.exec("BEGIN");
    try {
        // Two devices making first contact at once: one creates, the other waits and sees it.
        conn.exec("SELECT pg_advisory_xact_lock(hashtext($1))", {"promptvault-schema:" + schema});
        // CREATE SCHEMA needs CREATE on the database even with IF NOT EXISTS: check first, so a role
        // that only owns an existing schema works.
        auto ns = conn.exec("SELECT n.nspowner = r.oid, r.rolsuper, pg_get_userbyid(n.nspowner), current_user "
                            "FROM pg_namespace n, pg_roles r WHERE n.nspname = $1 AND r.rolname = current_user",
                            {schema});
        if (ns.rows() == 0) {
            conn.exec("CREATE SCHEMA " + s);
        } else if (ns.text(0, 0) != "t" && ns.text(0, 1) == "t") {
            // Whoever owns the schema controls the code in it (functions, triggers on its tables):
            // a superuser's push would run that code with superuser rights.
            throw PgError("role '" + ns.text(0, 3) + "' is a superuser but PostgreSQL schema '" + schema + "' on " + conn.where() +
                              " is owned by '" + ns.text(0, 2) + "': a superuser's sync would run code that '" + ns.text(0, 2) +
                              "' controls. Sync as '" + ns.text(0, 2) + "' (the schema's owner) instead. Nothing was synced.",
                          false);
        }
        auto reg = conn.exec("SELECT to_regclass($1) IS NOT NULL", {s + ".schema_version"});
        std::string serverId;
        if (reg.text(0, 0) != "t") {
            if (newVersion == kServerSchemaVersion) {
                conn.exec(currentSchemaSql(s));
            } else {
                for (int v = 1; v <= newVersion; ++v) conn.exec(frozenStepSql(v, s));
            }
            auto r = conn.exec("INSERT INTO " + s + ".schema_version VALUES (" + std::to_string(newVersion) +
                               ", md5(random()::text || clock_timestamp()::text)) RETURNING server_id");
            serverId = r.text(0, 0);
        } else {
            auto r = conn.exec("SELECT version, server_id FROM " + s + ".schema_version");
            if (r.rows() != 1) throw PgError("PostgreSQL schema '" + schema + "' has a damaged schema_version table (" +
                                                 std::to_string(r.rows()) + " rows); refusing to sync", false);
            long long v = r.integer(0, 0);
            if (v > kServerSchemaVersion)
                throw PgError("PostgreSQL schema '" + schema + "' on " + conn.where() + " is at version " + std::to_string(v) +
                                  ", newer than this build supports (" + std::to_string(kServerSchemaVersion) +
                                  "); update Promptvault on this device. Nothing was synced.", false);
            // Older versions climb the frozen steps.
            for (long long next = v + 1; next <= kServerSchemaVersion; ++next) {
                conn.exec(frozenStepSql(static_cast<int>(next), s));
                conn.exec("UPDATE " + s + ".schema_version SET version = " + std::to_string(next));
            }
            serverId = r.text(0, 1);
        }
        conn.exec("COMMIT");
        return serverId;
    } catch (...) {
        if (conn.ok()) {
            try {
                conn.exec("ROLLBACK");
            } catch (...) {
            }
        }
        throw;
    }
}

std::string exportServerJson(PgConn& conn, const std::string& schema) {
    const std::string s = quoteIdent(schema);
    std::vector<const TableDef*> tables;
    for (const auto& t : syncedTables()) tables.push_back(&t);
    std::sort(tables.begin(), tables.end(), [](auto* a, auto* b) { return a->name < b->name; });
    std::ostringstream out;
    out << "{";
    bool firstTable = true;
    for (const auto* t : tables) {
        out << (firstTable ? "\n" : ",\n") << nlohmann::json(t->name).dump() << ": [";
        firstTable = false;
        std::string cols, order;
        for (const auto& c : t->columns) cols += (cols.empty() ? "" : ", ") + c.name;
        for (const auto& k : t->key) order += (order.empty() ? "" : ", ") + k;
        auto r = conn.exec("SELECT " + cols + " FROM " + s + "." + t->name + " ORDER BY " + order);
        for (int i = 0; i < r.rows(); ++i) {
            nlohmann::json row = nlohmann::json::object();
            for (size_t c = 0; c < t->columns.size(); ++c) {
                const auto& col = t->columns[c];
                int ci = static_cast<int>(c);
                if (r.isNull(i, ci)) row[col.name] = nullptr;
                else if (col.type == ColType::Integer) row[col.name] = static_cast<int64_t>(r.integer(i, ci));
                else row[col.name] = r.text(i, ci);
            }
            out << (i ? ",\n  " : "\n  ") << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
        out << (r.rows() ? "\n]" : "]");
    }
    out << "\n}\n";
    return out.str();
}

} // namespace pv::sync
