#include "OldVault.hpp"

#include "Schema.hpp"

#include <stdexcept>

namespace pv::test {

void writeAsVersion4(sql::Db& db, const std::string& insertSql, const std::string& table, const std::string& rowKey) {
    const TableDef* t = findTable(table);
    if (!t || t->key.size() != 1) throw std::runtime_error("writeAsVersion4 takes a single-key table, not '" + table + "'");
    db.exec("UPDATE pv_sync_state SET applying = 1");
    db.exec(insertSql);
    db.exec("UPDATE pv_sync_state SET applying = 0, hlc_ms = hlc_ms + 1");
    std::string values;
    for (const auto& c : t->columns) values += (values.empty() ? "'" : ", '") + c.name + "', " + c.name;
    auto s = db.prepare("INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT ?1, ?2, 'insert', json_object(" + values +
                        "), printf('%015d.%06d', st.hlc_ms, st.hlc_counter), st.device_id FROM " + table + ", pv_sync_state st WHERE " +
                        t->key[0] + " = ?2");
    s.bind(1, table).bind(2, rowKey).exec();
}

} // namespace pv::test
