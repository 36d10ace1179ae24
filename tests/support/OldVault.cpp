#include "OldVault.hpp"

#include "Migrations.hpp"
#include "Schema.hpp"

#include <stdexcept>

namespace pv::test {
namespace {

void replaceTrigger(sql::Db& db, const std::string& name, const std::string& from, const std::string& to) {
    std::string sqlText = db.queryText("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = '" + name + "'");
    auto at = sqlText.find(from);
    if (at == std::string::npos) throw std::runtime_error("trigger " + name + " does not contain: " + from);
    sqlText.replace(at, from.size(), to);
    db.exec("DROP TRIGGER " + name);
    db.exec(sqlText);
}

} // namespace

void makeVersion4(sql::Db& db) {
    migrate(db, 4);
    for (const auto& t : syncedTables()) {
        std::string values;
        for (const auto& c : t.columns) values += (values.empty() ? "'" : ", '") + c.name + "', NEW." + c.name;
        replaceTrigger(db, "pv_cap_ins_" + t.name, "'" + t.insertColumnsJson() + "'", "json_object(" + values + ")");
    }
    replaceTrigger(db, "pv_cnt_outputs_ins", " AND (SELECT applying FROM pv_sync_state) < 2", "");
}

} // namespace pv::test
