#include "SetAside.hpp"

#include "Store.hpp"
#include "SyncEngine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pv::sync {

namespace {

// An insert (its entry names the columns, or holds every value once set aside) lists its columns
// without the stamps; an update lists what it changed.
std::string columnNames(const ChangeEntry& e) {
    const ChangeColumns cols = parseChangeColumns(e.cols);
    if (cols.form == ChangeColumns::Form::Unreadable) return "?";
    const bool insert = e.op == "insert";
    std::string names;
    for (const auto& k : cols.names) {
        if (k == "updated_at" || (insert && (k == "created_at" || k == "deleted_at"))) continue;
        names += (names.empty() ? "" : ", ") + k;
    }
    return names;
}
} // namespace

std::vector<RefusedChange> listSetAside(Store& store, int limit) {
    std::vector<RefusedChange> out;
    for (auto& e : store.changeLog().setAside(std::nullopt, limit))
        out.push_back({e.seq, e.table, e.rowKey, e.op, columnNames(e), e.hlc(), e.error});
    return out;
}

int64_t retrySetAside(Store& store, std::optional<int64_t> seq) {
    // The server treats every seq up to the device's high-water mark as already applied, so a retry
    // is a copy at the end of the log. It keeps its original clock: the edit still dates from when
    // it was made, and a newer edit elsewhere still wins.
    int64_t n = 0;
    store.transaction([&] {
        auto log = store.changeLog();
        const auto entries = log.setAside(seq);
        for (const auto& e : entries) log.requeue(e.seq);
        n = static_cast<int64_t>(entries.size());
    });
    return n;
}

int64_t discardSetAside(Store& store, std::optional<int64_t> seq) {
    int64_t n = 0;
    store.transaction([&] {
        auto log = store.changeLog();
        nlohmann::json refetch = nlohmann::json::array();
        if (auto listed = store.setting(kRefetchSetting)) {
            auto j = nlohmann::json::parse(*listed, nullptr, false);
            if (j.is_array()) refetch = j;
        }
        const auto entries = log.setAside(seq);
        for (const auto& e : entries) {
            nlohmann::json key = nlohmann::json::array({e.table, e.rowKey});
            if (std::find(refetch.begin(), refetch.end(), key) == refetch.end()) refetch.push_back(key);
        }
        for (const auto& e : entries) log.retire(e.seq, "discarded: the vault takes the server's value");
        store.setSetting(kRefetchSetting, refetch.dump());
        n = static_cast<int64_t>(entries.size());
    });
    return n;
}

} // namespace pv::sync
