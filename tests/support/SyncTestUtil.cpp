#include "SyncTestUtil.hpp"

#include <sstream>

namespace pv::test {

sync::SyncReport syncVault(Store& store, const std::string& conninfo, int batchSize) {
    sync::SyncOptions o;
    o.conninfo = conninfo;
    o.batchSize = batchSize;
    sync::SyncEngine e(store, o);
    return e.syncOnce();
}

std::string exportOf(Store& store) {
    std::ostringstream out;
    store.exportJson(out);
    return out.str();
}

std::string readFileOrExport(const std::string& vaultPath) {
    Store s(vaultPath);
    return exportOf(s);
}

std::string serverExport(const std::string& conninfo, const std::string& schema) {
    sync::PgConn c(conninfo);
    return sync::exportServerJson(c, schema);
}

} // namespace pv::test
