// One push / pull of a vault against PostgreSQL: the sync engine the CLI runs once and
// SyncService runs in the background. Not thread-safe: one engine per thread (it owns a PGconn
// and uses the Store it is given, which must belong to the same thread).
#pragma once
#include "Pg.hpp"
#include "PullWriter.hpp"
#include "Schema.hpp"
#include "Store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pv::sync {

// Version of the PostgreSQL side (table promptvault.schema_version). Bump it with a new frozen
// step sync/migrations/server_NN.sql (literal SQL, never edited afterwards); a server at a newer
// version is refused.
constexpr int kServerSchemaVersion = 5;

struct SyncOptions {
    std::string conninfo;              // libpq string; empty = PG* variables, service file, .pgpass
    std::string schema = "promptvault";
    int batchSize = 2000;              // changes per server transaction
    int64_t maxClockAheadMs = 5 * 60 * 1000;  // a change stamped further ahead of the server's clock is refused
};

struct SetAsideChange {
    int64_t seq = 0;
    std::string table, rowKey, error;
};

struct PushResult {
    int64_t pushed = 0;          // changes accepted by the server (including ones that lost LWW)
    int64_t alreadyApplied = 0;  // found applied by an earlier, interrupted push
    int64_t batches = 0;
    std::vector<SetAsideChange> setAside;
    // Set when this vault found that the server's record of its device is another history (a
    // restored backup, a copied vault file) and went on as a new device: says so for the person.
    std::string deviceNote;
};

struct PullResult {
    int64_t rows = 0;            // rows received
    int64_t protectedCols = 0;   // columns kept because a newer local edit waits to be pushed
    int64_t refetched = 0;       // rows taken from the server (or dropped) because their refused change was discarded
    std::vector<std::string> keptRows;  // discarded inserts the server lacks, kept because other rows here refer to them
    int64_t clockSkewMs = 0;     // this device's clock minus the server's (positive: ahead)
    std::string clockWarning;    // set when the skew is large enough to matter to a person
    std::string deviceNote;      // as PushResult::deviceNote, when the pull found it first
};

// Above this, a sync warns that the device's clock is off (its edits may lose to older ones).
constexpr int64_t kClockWarnMs = 60 * 1000;

struct SyncReport {
    PushResult push;
    PullResult pull;
};

// Resolves the connection string: explicit, else the one saved in the vault, else "" (PG* env).
std::string resolveConninfo(Store& store, const std::string& explicitConninfo);
std::string resolveSchema(Store& store, const std::string& explicitSchema);
constexpr const char* kConninfoSetting = "sync.conninfo";
constexpr const char* kSchemaSetting = "sync.schema";
// Rows whose refused change was discarded, as a JSON array of [table, row key]: the next pull
// fetches them from the server whatever its cursor (see discardSetAside).
constexpr const char* kRefetchSetting = "sync.refetch";

struct PushRow;  // one row of a push batch (SyncEngine.cpp)

class SyncEngine {
public:
    SyncEngine(Store& store, SyncOptions options);
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    // Connects when not connected and creates / migrates the server schema; throws PgError.
    void connect();
    void disconnect();
    bool connected() const { return m_conn.ok(); }
    PgConn& conn() { return m_conn; }
    const std::string& serverId() const { return m_serverId; }
    std::string channel() const;  // LISTEN/NOTIFY channel of this schema

    PushResult push();
    PullResult pull();
    SyncReport syncOnce();  // push then pull, holding the vault's sync lock

    // Called at every named step of push and pull (tests stop a server or block here). The
    // environment variable PV_FAILPOINT=<step> kills the process with SIGKILL at that step.
    std::function<void(const std::string& step)> onStep;

private:
    void step(const char* name);
    // A restored backup or a copied vault: compares the server's record of this device with the
    // vault's log (each push batch under the device row's lock, each pull in its snapshot query)
    // and, when they parted, continues as a new device (becomeNewDevice).
    std::optional<std::string> historyMismatch(int64_t serverPushedSeq, const std::optional<std::string>& serverMark);
    void becomeNewDevice(const std::string& why, std::string* noteOut);
    struct PushPrep;  // one batch of the log and the rows it makes, read from the vault
    struct PushBatch;  // a batch on its way to the server, handed from step to step
    void pushBatch(PushResult& result, int64_t& afterSeq, bool& more, std::unique_ptr<PushPrep>& next);
    // The steps of pushBatch, in order; all but the first and the last run inside its server transaction.
    std::unique_ptr<PushPrep> readBatch(int64_t afterSeq, std::unique_ptr<PushPrep>& next);  // read + fold, ahead of the server
    int64_t checkDevice(PushBatch& b);            // lock the device row, compare histories; returns the server's clock
    void foldBatch(PushBatch& b, int64_t serverNow);  // fold again without what the server took out
    void logBatch(PushBatch& b);                  // the server's change_log entry
    void applyBatch(PushBatch& b);                // COPY / upsert, row by row on a refusal
    int64_t applyRows(PushBatch& b, const std::vector<const PushRow*>& rows, bool direct);
    void recordBatch(PushBatch& b);               // refusals, counts, the device's high-water mark
    bool commitBatch(PgTransaction& tx, const PushBatch& b);  // settles an uncertain commit
    void notifyDevices();
    void markBatch(const PushBatch& b, PushResult& result);   // pushed / set aside in the vault
    std::unique_ptr<PushPrep> preparePush(int64_t afterSeq);
    void buildPushRows(PushPrep& prep, int64_t serverNow, const std::set<int64_t>& skip);
    void createStaging();
    struct PullState;  // one pull: the snapshot, the cursor, what was read, handed from step to step
    // The steps of pull, in order, all inside one REPEATABLE READ server transaction.
    void readSnapshot(PullState& p, PullResult& result);  // xmin, clocks, the device's record, changed tables
    void prefetchSmall(PullState& p);                     // a few rows: read before the vault's lock
    void applyTable(PullState& p, PullWriter& writer, const TableDef& t, PullResult& result);
    void dropAbsent(PullState& p, PullWriter& writer, PullResult& result);  // discarded inserts the server lacks
    void finishPull(PullState& p, PullWriter& writer);   // clock merge, cursor, vault commit
    std::string pullSelect(const PullState& p, const TableDef& t, bool allClocks) const;
    // An insert entry names its columns; when set aside it keeps the row's values as they are now
    // (nullopt: the entry stays as it is).
    std::optional<std::string> frozenInsert(const ChangeEntry& c);

    Store& m_store;
    SyncOptions m_opt;
    PgConn m_conn;
    std::string m_serverId;
    std::string m_deviceId;
    std::string m_s;  // quoted schema name
    // Server transactions (xid8) at or after the pull cursor whose rows an earlier pull() of this
    // engine read and committed to the vault: a pull leaves them out instead of reading them
    // again. Only in memory: a new engine reads them once more, which is harmless.
    std::set<uint64_t> m_appliedXids;
    std::string m_appliedServer;  // the server they belong to
};

// Creates or migrates the schema; returns the server id. Throws PgError on a newer version.
// A schema at an older version climbs the frozen steps (sync/migrations/server_NN.sql); a new one
// is made from today's table descriptions, or, when newVersion is older (tests), by the frozen
// steps up to that version.
std::string ensureServerSchema(PgConn& conn, const std::string& schema, int newVersion = kServerSchemaVersion);
// The server's rows in the exact format of Store::exportJson, for comparing replicas.
std::string exportServerJson(PgConn& conn, const std::string& schema);

// Holds an exclusive lock file next to the vault so that two processes never sync it at once.
class VaultSyncLock {
public:
    explicit VaultSyncLock(const std::string& vaultPath);
    ~VaultSyncLock();
    VaultSyncLock(const VaultSyncLock&) = delete;
    VaultSyncLock& operator=(const VaultSyncLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace pv::sync
