#include "SetAside.hpp"

#include "Store.hpp"
#include "SyncEngine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pv::sync {

namespace {

// An insert (its entry names the columns, or holds every value once set aside) lists its columns
// without the stamps; an update lists what it changed.
std::string columnNames(const std::string& op, const std::string& colsJson) {
    auto cols = nlohmann::json::parse(colsJson, nullptr, false);
    std::vector<std::string> keys;
    if (cols.is_array()) {
        for (const auto& name : cols)
            if (name.is_string()) keys.push_back(name.get<std::string>());
    } else if (cols.is_object()) {
        for (auto it = cols.begin(); it != cols.end(); ++it) keys.push_back(it.key());
    } else {
        return "?";
    }
    const bool insert = op == "insert";
    std::string names;
    for (const auto& k : keys) {
        if (k == "updated_at" || (insert && (k == "created_at" || k == "deleted_at"))) continue;
        names += (names.empty() ? "" : ", ") + k;
    }
    return names;
}
} // namespace

std::vector<RefusedChange> listSetAside(Store& store, int limit) {
    auto& db = store.db();
    auto& q = db.cached("SELECT seq, tbl, row_key, op, cols, hlc, coalesce(error, '') FROM pv_changes "
                        "WHERE status = 'set_aside' ORDER BY seq LIMIT ?");
    sql::StmtUse use(q);
    q.bind(1, int64_t(limit));
    std::vector<RefusedChange> out;
    while (q.step()) {
        RefusedChange c;
        c.seq = q.getInt(0);
        c.table = q.getText(1);
        c.rowKey = q.getText(2);
        c.op = q.getText(3);
        c.columns = columnNames(q.getText(3), q.getText(4));
        c.hlc = q.getText(5);
        c.error = q.getText(6);
        out.push_back(std::move(c));
    }
    return out;
}

int64_t retrySetAside(Store& store, std::optional<int64_t> seq) {
    auto& db = store.db();
    // The server treats every seq up to the device's high-water mark as already applied, so a retry
    // is a copy at the end of the log. It keeps its original clock: the edit still dates from when
    // it was made, and a newer edit elsewhere still wins.
    sql::Transaction tx(db);
    auto& pick = db.cached("SELECT seq FROM pv_changes WHERE status = 'set_aside' AND (?1 IS NULL OR seq = ?1) ORDER BY seq");
    std::vector<int64_t> seqs;
    {
        sql::StmtUse use(pick);
        pick.bind(1, seq);
        while (pick.step()) seqs.push_back(pick.getInt(0));
    }
    auto& copy = db.cached("INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) "
                           "SELECT tbl, row_key, op, cols, hlc, device_id FROM pv_changes WHERE seq = ?");
    auto& retire = db.cached("UPDATE pv_changes SET status = 'pushed', error = 'retried as change ' || ? WHERE seq = ?");
    for (int64_t s : seqs) {
        {
            sql::StmtUse use(copy);
            copy.bind(1, s).exec();
        }
        sql::StmtUse use(retire);
        retire.bind(1, db.lastInsertRowid()).bind(2, s).exec();
    }
    tx.commit();
    return static_cast<int64_t>(seqs.size());
}

int64_t discardSetAside(Store& store, std::optional<int64_t> seq) {
    auto& db = store.db();
    sql::Transaction tx(db);
    auto& pick = db.cached("SELECT seq, tbl, row_key FROM pv_changes WHERE status = 'set_aside' AND (?1 IS NULL OR seq = ?1) ORDER BY seq");
    std::vector<int64_t> seqs;
    nlohmann::json refetch = nlohmann::json::array();
    if (auto listed = store.setting(kRefetchSetting)) {
        auto j = nlohmann::json::parse(*listed, nullptr, false);
        if (j.is_array()) refetch = j;
    }
    {
        sql::StmtUse use(pick);
        pick.bind(1, seq);
        while (pick.step()) {
            seqs.push_back(pick.getInt(0));
            nlohmann::json key = nlohmann::json::array({pick.getText(1), pick.getText(2)});
            if (std::find(refetch.begin(), refetch.end(), key) == refetch.end()) refetch.push_back(key);
        }
    }
    auto& retire = db.cached("UPDATE pv_changes SET status = 'pushed', error = 'discarded: the vault takes the server''s value' WHERE seq = ?");
    for (int64_t s : seqs) {
        sql::StmtUse use(retire);
        retire.bind(1, s).exec();
    }
    store.setSetting(kRefetchSetting, refetch.dump());
    tx.commit();
    return static_cast<int64_t>(seqs.size());
}

} // namespace pv::sync
