#include "SyncTestUtil.hpp"

#include "PgServer.hpp"

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

namespace pv::test {

std::string serverSchemaSignature(const PgServer& pg, const std::string& db) {
    return pg.adminQuery(db, R"SQL(
SELECT string_agg(line, E'\n' ORDER BY line) FROM (
  SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' collate ' ||
         coalesce(collation_name, '-') || ' nullable ' || is_nullable || ' default ' || coalesce(column_default, '-') AS line
    FROM information_schema.columns WHERE table_schema = 'promptvault'
  UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'promptvault'::regnamespace
  UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'promptvault'
  UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || pg_get_functiondef(p.oid)
    FROM pg_proc p WHERE pronamespace = 'promptvault'::regnamespace
  UNION ALL SELECT 'sequence ' || sequencename || ' ' || data_type FROM pg_sequences WHERE schemaname = 'promptvault'
  UNION ALL SELECT 'relation ' || relname || ' kind ' || relkind::text || ' owner ' || pg_get_userbyid(relowner)
    FROM pg_class WHERE relnamespace = 'promptvault'::regnamespace
  UNION ALL SELECT 'schema_version ' || version FROM promptvault.schema_version
) facts)SQL");
}

} // namespace pv::test
