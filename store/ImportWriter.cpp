#include "ImportWriter.hpp"

#include "Migrations.hpp"
#include "Schema.hpp"
#include "StoreInternals.hpp"

namespace pv {

ImportWriter::ImportWriter(Store& store, std::string source, int64_t cacheKib)
    : m_db(StoreInternals::db(store)), m_source(std::move(source)) {
    // The import's page cache, for as long as it runs (the caller's batch size: a larger cache only
    // adds fresh pages to fault in).
    if (cacheKib > 0) {
        m_cacheBefore = m_db.queryInt("PRAGMA cache_size");
        m_db.exec("PRAGMA cache_size = " + std::to_string(-cacheKib));
    }
}

ImportWriter::~ImportWriter() {
    m_tx.reset();
    restoreCacheSize();
}

void ImportWriter::restoreCacheSize() {
    if (!m_cacheBefore) return;
    try {
        m_db.exec("PRAGMA cache_size = " + std::to_string(*m_cacheBefore));
    } catch (const sql::Error&) {
        // Only a performance setting of this connection: nothing to lose.
    }
}

void ImportWriter::beginBatch() {
    m_tx.emplace(m_db);
}

void ImportWriter::commitBatch() {
    m_tx->commit();
    m_tx.reset();
}

void ImportWriter::rollbackBatch() {
    m_tx.reset();
}

void ImportWriter::beginConversation() {
    m_db.cached("SAVEPOINT pv_import_conversation").exec();
}

void ImportWriter::releaseConversation() {
    m_db.cached("RELEASE pv_import_conversation").exec();
}

namespace {
void rollbackSavepoint(sql::Db& db, const char* name) {
    if (!db.inTransaction()) return;
    try {
        db.exec(std::string("ROLLBACK TO ") + name);
        db.exec(std::string("RELEASE ") + name);
    } catch (const sql::Error&) {
        // The transaction is beyond saving; the caller's error says why and it rolls back.
    }
}
} // namespace

void ImportWriter::rollbackConversation() {
    rollbackSavepoint(m_db, "pv_import_conversation");
}

void ImportWriter::forEachLivePrompt(const std::function<void(const std::string& id, const std::string& body)>& fn) {
    auto st = m_db.prepare("SELECT id, body FROM prompts WHERE deleted_at IS NULL");
    while (st.step()) fn(st.getText(0), st.getText(1));
}

bool ImportWriter::promptBodyIs(const std::string& id, const std::string& body) {
    auto& s = m_db.cached("SELECT body = ? FROM prompts WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, body).bind(2, id);
    return s.step() && s.getInt(0) == 1;
}

std::optional<std::string> ImportWriter::findAgentByUrl(const std::string& platform, const std::string& url) {
    auto& s = m_db.cached("SELECT id FROM agents WHERE platform = ? AND url = ? ORDER BY deleted_at IS NOT NULL, created_at LIMIT 1");
    sql::StmtUse use(s);
    s.bind(1, platform).bind(2, url);
    if (s.step()) return s.getText(0);
    return std::nullopt;
}

bool ImportWriter::hasConversation(const std::string& conversationId) {
    auto& s = m_db.cached("SELECT 1 FROM outputs WHERE conversation_id = ? AND source = ? LIMIT 1");
    sql::StmtUse use(s);
    s.bind(1, conversationId).bind(2, m_source);
    return s.step();
}

std::optional<ImportWriter::ImportedOutput> ImportWriter::findOutput(const std::string& conversationId, const std::string& messageId) {
    auto& s = m_db.cached(
        "SELECT id, rating IS NOT NULL FROM outputs WHERE conversation_id = ? AND message_id = ? AND source = ? LIMIT 1");
    sql::StmtUse use(s);
    s.bind(1, conversationId).bind(2, messageId).bind(3, m_source);
    if (!s.step()) return std::nullopt;
    return ImportedOutput{s.getText(0), s.getInt(1) != 0};
}

bool ImportWriter::setRatingIfNone(const std::string& outputId, int rating) {
    auto& s = m_db.cached("UPDATE outputs SET rating = ? WHERE id = ? AND rating IS NULL");
    sql::StmtUse use(s);
    s.bind(1, static_cast<int64_t>(rating)).bind(2, outputId).exec();
    return m_db.changes() > 0;
}

void ImportWriter::insertRows(const std::vector<Prompt>& prompts, size_t p0, size_t p1, const std::vector<Output>& outputs,
                              size_t o0, size_t o1) {
    m_db.exec("SAVEPOINT pv_import_flush");
    try {
        if (p1 > p0) {
            m_promptRows.clear();
            m_promptRows.reserve(p1 - p0);
            for (size_t i = p0; i < p1; ++i) Store::addBulkRow(m_promptRows, prompts[i]);
            insertStaged(m_db, *findTable("prompts"), m_promptCols, m_promptRows);
        }
        if (o1 > o0) {
            m_outputRows.clear();
            m_outputRows.reserve(o1 - o0);
            for (size_t i = o0; i < o1; ++i) Store::addBulkRow(m_outputRows, outputs[i]);
            insertStaged(m_db, *findTable("outputs"), m_outputCols, m_outputRows);
        }
        m_db.exec("RELEASE pv_import_flush");
    } catch (const sql::Error&) {
        rollbackSavepoint(m_db, "pv_import_flush");
        throw;
    }
}

} // namespace pv
