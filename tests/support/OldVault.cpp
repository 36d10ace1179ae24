#include "OldVault.hpp"

#include "Migrations.hpp"
#include "Schema.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace pv::test {

void makeVersion4(sql::Db& db) {
    migrate(db, 4);
    for (const auto& t : syncedTables()) {
        if (t.sinceVersion > 4) continue;
        const std::string sqlText = db.queryText("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'pv_cap_ins_" + t.name + "'");
        if (sqlText.find("json_object(") == std::string::npos)
            throw std::runtime_error("version 4's insert trigger of " + t.name + " does not copy the values: " + sqlText);
    }
    if (db.queryText("SELECT sql FROM sqlite_schema WHERE name = 'pv_cnt_outputs_ins'").find("applying") != std::string::npos)
        throw std::runtime_error("version 4's outputs insert counter has a pause");
}

namespace {

std::string cell(sql::Stmt& st, int i) { return st.isNull(i) ? std::string("NULL") : "'" + st.getText(i) + "'"; }

// Every row of a statement, one line each: prefix then the cells joined by '|'.
void rows(sql::Db& db, const std::string& query, const std::string& prefix, std::vector<std::string>& out) {
    auto st = db.prepare(query);
    while (st.step()) {
        std::string line = prefix;
        for (int i = 0; i < st.columnCount(); ++i) line += (i ? "|" : "") + cell(st, i);
        out.push_back(line);
    }
}

std::string normalizeSql(std::string s) {
    s = std::regex_replace(s, std::regex("\\s+"), " ");
    // ALTER TABLE ... RENAME TO leaves the new name quoted in the stored CREATE TABLE.
    s = std::regex_replace(s, std::regex("^CREATE TABLE \"([A-Za-z0-9_]+)\""), "CREATE TABLE $1");
    return s;
}

} // namespace

std::vector<std::string> schemaSignature(sql::Db& db) {
    std::vector<std::string> out;
    std::vector<std::string> tables, ftsTables;
    {
        auto st = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
        while (st.step()) {
            const std::string type = st.getText(0), name = st.getText(1);
            out.push_back("object " + type + " " + name + " on " + st.getText(2) + ": " + (st.isNull(3) ? "NULL" : normalizeSql(st.getText(3))));
            if (type != "table") continue;
            if (!st.isNull(3) && st.getText(3).rfind("CREATE VIRTUAL TABLE", 0) == 0) ftsTables.push_back(name);
            else tables.push_back(name);
        }
    }
    for (const auto& t : tables) {
        rows(db, "SELECT * FROM pragma_table_info('" + t + "')", "column " + t + ": ", out);
        rows(db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list('" + t + "')", "index " + t + ": ", out);
        auto st = db.prepare("SELECT name FROM pragma_index_list('" + t + "')");
        while (st.step()) rows(db, "SELECT * FROM pragma_index_xinfo('" + st.getText(0) + "')", "index column " + st.getText(0) + ": ", out);
        rows(db, "SELECT * FROM pragma_foreign_key_list('" + t + "')", "foreign key " + t + ": ", out);
    }
    for (const auto& f : ftsTables) rows(db, "SELECT * FROM " + f + "_config", "search config " + f + ": ", out);
    out.push_back("user_version " + std::to_string(db.queryInt("PRAGMA user_version")));
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace pv::test
