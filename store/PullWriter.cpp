#include "PullWriter.hpp"

#include "Migrations.hpp"
#include "StoreInternals.hpp"

#include <algorithm>
#include <charconv>

namespace pv {

namespace {

// An integer column as the server writes it (decimal text); 0 for anything else, as strtoll.
int64_t parseInteger(std::string_view text) {
    int64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

// "(?,?,…)" with n placeholders.
std::string placeholderTuple(int n) {
    std::string one = "(" + std::string(static_cast<size_t>(n) * 2 - 1, ',') + ")";
    for (int i = 0, j = 1; i < n; ++i, j += 2) one[static_cast<size_t>(j)] = '?';
    return one;
}

} // namespace

PullWriter::PullWriter(Store& store) : m_db(StoreInternals::db(store)), m_tx(m_db) { m_db.exec(setApplyingSql(Applying::CaptureOff)); }

PullWriter::~PullWriter() = default;

PullWriter::Table& PullWriter::table(const TableDef& t, bool diffRows) {
    auto& slot = m_tables[t.name];
    if (!slot) slot.reset(new Table(m_db, t, diffRows));
    return *slot;
}

bool PullWriter::dropUnlessReferenced(const TableDef& t, const std::vector<std::string>& keyValues) {
    if (t.key.size() == 1)
        for (const auto& other : syncedTables())
            for (const auto& c : other.columns)
                if (c.references == t.name + "(" + t.key[0] + ")") {
                    auto& q = m_db.cached("SELECT EXISTS (SELECT 1 FROM " + other.name + " WHERE " + c.name + " = ?)");
                    sql::StmtUse use(q);
                    q.bind(1, keyValues[0]);
                    if (q.step() && q.getInt(0) != 0) return false;
                }
    std::string del = "DELETE FROM " + t.name + " WHERE ";
    for (size_t k = 0; k < t.key.size(); ++k) del += (k ? " AND " : "") + t.key[k] + " = ?";
    auto& d = m_db.cached(del);
    sql::StmtUse use(d);
    for (size_t k = 0; k < keyValues.size(); ++k) d.bind(static_cast<int>(k + 1), keyValues[k]);
    d.exec();
    return true;
}

void PullWriter::commit() {
    m_db.exec(setApplyingSql(Applying::Capture));
    m_tx.commit();
}

// ---- one table -------------------------------------------------------------------------------

PullWriter::Table::Table(sql::Db& db, const TableDef& t, bool diffRows)
    : m_db(db), m_table(t), m_columns(static_cast<int>(t.columns.size())) {
    // The bulk upsert leaves the columns of the table's full-text index to a second statement that
    // sets them only where they differ: naming them in the upsert would make the search trigger
    // take the row out of the index and tokenize it into it again (a whole output's text, for an
    // edit of its notes).
    m_searched = searchIndexedColumns(t.name);
    std::string placeholders, sets;
    for (int i = 0; i < m_columns; ++i) {
        const auto& c = t.columns[static_cast<size_t>(i)];
        m_columnList += (i ? ", " : "") + c.name;
        placeholders += (i ? ", ?" : "?") + std::to_string(i + 1);
        if (std::find(t.key.begin(), t.key.end(), c.name) != t.key.end()) continue;
        sets += std::string(sets.empty() ? "" : ", ") + c.name + " = CASE WHEN ?" + std::to_string(m_columns + i + 1) + " THEN excluded." + c.name +
                " ELSE " + c.name + " END";
        if (std::find(m_searched.begin(), m_searched.end(), c.name) == m_searched.end())
            m_bulkSets += std::string(m_bulkSets.empty() ? "" : ", ") + c.name + " = excluded." + c.name;
    }
    for (const auto& k : t.key) m_keyList += (m_keyList.empty() ? "" : ", ") + k;
    for (const auto& k : t.key)
        for (int i = 0; i < m_columns; ++i)
            if (t.columns[static_cast<size_t>(i)].name == k) m_keyIndex.push_back(i);
    m_searchedIndex = m_keyIndex;  // the key columns, then the indexed ones
    for (const auto& name : m_searched)
        for (int i = 0; i < m_columns; ++i)
            if (t.columns[static_cast<size_t>(i)].name == name) m_searchedIndex.push_back(i);
    m_upsert = &db.cached("INSERT INTO " + t.name + " (" + m_columnList + ") VALUES (" + placeholders + ") ON CONFLICT (" + m_keyList +
                          ") DO UPDATE SET " + sets);
    // Each statement that writes the full-text index makes FTS5 flush its pending terms (a
    // savepoint per statement): as many rows per statement as SQLite's 32766 parameters allow.
    m_perStatement = std::max(1, std::min(1900, 32000 / m_columns));
    m_diffRows = diffRows && m_columns < 64;  // a column mask in 64 bits
    if (m_diffRows) {
        std::string localSql = "SELECT " + m_columnList + " FROM " + t.name + " WHERE ";
        for (size_t k = 0; k < t.key.size(); ++k) localSql += (k ? " AND " : "") + t.key[k] + " = ?" + std::to_string(k + 1);
        m_local = &db.cached(localSql);
    }
}

void PullWriter::Table::bind(sql::Stmt& st, int param, const PulledRows& r, int row, int col) const {
    if (r.isNull(row, col)) st.bind(param, nullptr);
    else if (m_table.columns[static_cast<size_t>(col)].type == ColType::Integer)
        st.bind(param, parseInteger(r.text(row, col)));
    else st.bind(param, r.text(row, col));
}

sql::Stmt& PullWriter::Table::bulkInsert(int rows) {
    auto it = m_bulkStatements.find(rows);
    if (it != m_bulkStatements.end()) return it->second;
    std::string sql = "INSERT INTO " + m_table.name + " (" + m_columnList + ") VALUES ";
    const std::string one = placeholderTuple(m_columns);
    for (int i = 0; i < rows; ++i) sql += (i ? ", " : "") + one;
    sql += " ON CONFLICT (" + m_keyList + ") DO UPDATE SET " + m_bulkSets;
    return m_bulkStatements.emplace(rows, m_db.prepare(sql)).first->second;
}

sql::Stmt& PullWriter::Table::searchedUpdate(int rows) {
    auto it = m_searchedStatements.find(rows);
    if (it != m_searchedStatements.end()) return it->second;
    const std::string one = placeholderTuple(static_cast<int>(m_searchedIndex.size()));
    std::string values, set, where, differs;
    for (int i = 0; i < rows; ++i) values += (i ? ", " : "") + one;
    const auto& t = m_table;
    for (size_t k = 0; k < t.key.size(); ++k) where += std::string(k ? " AND " : "") + t.name + "." + t.key[k] + " = v.column" + std::to_string(k + 1);
    for (size_t i = 0; i < m_searched.size(); ++i) {
        const std::string v = "v.column" + std::to_string(t.key.size() + i + 1);
        set += std::string(i ? ", " : "") + m_searched[i] + " = " + v;
        differs += std::string(i ? " OR " : "") + t.name + "." + m_searched[i] + " IS NOT " + v;
    }
    return m_searchedStatements
        .emplace(rows, m_db.prepare("UPDATE " + t.name + " SET " + set + " FROM (VALUES " + values + ") AS v WHERE " + where + " AND (" + differs + ")"))
        .first->second;
}

sql::Stmt& PullWriter::Table::diffUpdate(uint64_t mask) {
    auto it = m_diffStatements.find(mask);
    if (it != m_diffStatements.end()) return it->second;
    std::string set, where;
    int param = 0;
    for (int c = 0; c < m_columns; ++c)
        if (mask & (uint64_t(1) << c)) set += std::string(set.empty() ? "" : ", ") + m_table.columns[static_cast<size_t>(c)].name + " = ?" + std::to_string(++param);
    for (size_t k = 0; k < m_keyIndex.size(); ++k) where += std::string(k ? " AND " : "") + m_table.key[k] + " = ?" + std::to_string(++param);
    return m_diffStatements.emplace(mask, m_db.prepare("UPDATE " + m_table.name + " SET " + set + " WHERE " + where)).first->second;
}

void PullWriter::Table::flush(const PulledRows& r) {
    for (size_t at = 0; at < m_queued.size(); at += static_cast<size_t>(m_perStatement)) {
        const int n = static_cast<int>(std::min(m_queued.size() - at, static_cast<size_t>(m_perStatement)));
        sql::Stmt& st = bulkInsert(n);
        {
            sql::StmtUse use(st);
            for (int k = 0; k < n; ++k)
                for (int c = 0; c < m_columns; ++c) bind(st, k * m_columns + c + 1, r, m_queued[at + static_cast<size_t>(k)], c);
            st.exec();
        }
        if (m_searched.empty()) continue;
        sql::Stmt& up = searchedUpdate(n);
        sql::StmtUse use(up);
        const int w = static_cast<int>(m_searchedIndex.size());
        for (int k = 0; k < n; ++k)
            for (int c = 0; c < w; ++c) bind(up, k * w + c + 1, r, m_queued[at + static_cast<size_t>(k)], m_searchedIndex[static_cast<size_t>(c)]);
        up.exec();
    }
    m_queued.clear();
}

void PullWriter::Table::takeAll(const PulledRows& r, int row) {
    if (!m_diffRows) {
        m_queued.push_back(row);
        return;
    }
    uint64_t mask = 0;
    {
        sql::StmtUse use(*m_local);
        for (size_t k = 0; k < m_keyIndex.size(); ++k) m_local->bind(static_cast<int>(k + 1), r.text(row, m_keyIndex[k]));
        if (!m_local->step()) {
            m_queued.push_back(row);  // a row the vault lacks: the bulk insert
            return;
        }
        for (int c = 0; c < m_columns; ++c) {
            bool same;
            if (r.isNull(row, c)) same = m_local->isNull(c);
            else if (m_table.columns[static_cast<size_t>(c)].type == ColType::Integer)
                same = m_local->columnType(c) == SQLITE_INTEGER && m_local->getInt(c) == parseInteger(r.text(row, c));
            else
                same = m_local->columnType(c) == SQLITE_TEXT &&
                       std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(m_local->handle(), c)),
                                        static_cast<size_t>(sqlite3_column_bytes(m_local->handle(), c))) == r.text(row, c);
            if (!same) mask |= uint64_t(1) << c;
        }
    }
    if (mask == 0) return;  // the vault has this row as it is
    flush(r);               // rows before it first (it may refer to one of them)
    sql::Stmt& up = diffUpdate(mask);
    sql::StmtUse use(up);
    int param = 0;
    for (int c = 0; c < m_columns; ++c)
        if (mask & (uint64_t(1) << c)) bind(up, ++param, r, row, c);
    for (int k : m_keyIndex) bind(up, ++param, r, row, k);
    up.exec();
}

void PullWriter::Table::takeSome(const PulledRows& r, int row, const std::vector<bool>& take) {
    flush(r);
    sql::StmtUse use(*m_upsert);
    bool any = false;
    for (int c = 0; c < m_columns; ++c) {
        bind(*m_upsert, c + 1, r, row, c);
        m_upsert->bind(m_columns + c + 1, static_cast<int64_t>(take[static_cast<size_t>(c)] ? 1 : 0));
        any = any || take[static_cast<size_t>(c)];
    }
    if (any) m_upsert->exec();
}

} // namespace pv
