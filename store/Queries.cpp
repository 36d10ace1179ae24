// List, search, neighbourhood and export queries of Store: read-only, keyset-paged, indexed.
#include "ListFilters.hpp"
#include "Schema.hpp"
#include "Store.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>
#include <variant>

namespace pv {

namespace {

struct SortSpec {
    const char* expr;
    bool desc;
    bool numeric;
    const char* index;  // the partial index (live rows) that yields this order, if any
};

SortSpec outputSort(OutputSort s) {
    switch (s) {
    case OutputSort::CapturedDesc: return {"o.captured_at", true, false, "outputs_captured"};
    case OutputSort::CapturedAsc: return {"o.captured_at", false, false, "outputs_captured"};
    case OutputSort::UpdatedDesc: return {"o.updated_at", true, false, "outputs_updated"};
    case OutputSort::RatingDesc: return {"coalesce(o.rating, 0)", true, true, nullptr};
    }
    return {"o.captured_at", true, false, "outputs_captured"};
}

// Reads up to limit rows (the query asks for limit + 1); the extra row only says another page
// follows, whose cursor is the last kept row's sort value (column sortCol) and id.
template <class R, class ReadRow>
Page<R> readPage(sql::Stmt& s, int limit, int sortCol, ReadRow readRow) {
    Page<R> page;
    std::string lastSort;
    while (s.step()) {
        if (static_cast<int>(page.rows.size()) == limit) {
            page.next = {true, lastSort, page.rows.back().id};
            break;
        }
        page.rows.push_back(readRow(s));
        lastSort = s.getText(sortCol);
    }
    return page;
}

} // namespace

int64_t Store::relationCount(const char* rel, const std::string& id) {
    auto& s = m_db.cached("SELECT n FROM pv_counts WHERE rel = ? AND id = ?");
    sql::StmtUse use(s);
    s.bind(1, rel).bind(2, id);
    return s.step() ? s.getInt(0) : 0;
}

bool Store::tagIsDense(const std::string& tagId, const char* rel, int limit) {
    // Probing costs about limit * total / count rows, collecting about count: pick the smaller.
    const double count = static_cast<double>(relationCount(rel, tagId));
    const double total = std::string(rel) == "tag.prompts" ? static_cast<double>(m_db.queryInt("SELECT max(rowid) FROM prompts"))
                                                           : static_cast<double>(relationCount("outputs", ""));
    return count * count >= static_cast<double>(limit) * std::max(total, 1.0);
}

bool Store::textIsDense(const std::string& ftsQuery, int limit) {
    // As tagIsDense: walking the sort order and probing each row against the matches costs about
    // limit * total / matches index entries; collecting the matches reads every matched row (a
    // whole page each, scattered). Counting stops as soon as the walk is known to be cheaper.
    const double total = static_cast<double>(relationCount("outputs", ""));
    const int64_t enough = static_cast<int64_t>(std::sqrt(static_cast<double>(limit) * std::max(total, 1.0))) + 1;
    auto& s = m_db.cached("SELECT count(*) FROM (SELECT 1 FROM outputs_fts WHERE outputs_fts MATCH ? LIMIT ?)");
    sql::StmtUse use(s);
    s.bind(1, ftsQuery).bind(2, enough);
    return s.step() && s.getInt(0) >= enough;
}

Page<OutputRow> Store::listOutputs(const OutputFilter& f, OutputSort sort, const PageCursor& after, int limit) {
    if (limit <= 0) limit = 100;
    SqlWhere w = outputWhere(f, f.tagId && tagIsDense(*f.tagId, "tag.outputs", limit));
    SortSpec spec = outputSort(sort);
    // A common word with no other filter: walk the live rows in the sort's index and keep the
    // matches (SQLite would otherwise read every match's row to sort them).
    const bool onlyText = !f.promptId && !f.modelId && !f.agentId && !f.tagId && !f.lookupValueId && !f.includeDeleted && !f.onlyDeleted;
    const std::string fts = toFtsQuery(f.text);
    const char* walk = onlyText && spec.index && !fts.empty() && textIsDense(fts, limit) ? spec.index : nullptr;
    if (after.valid) {
        w.add(std::string("(") + spec.expr + ", o.id) " + (spec.desc ? "<" : ">") + " (?, ?)");
        if (spec.numeric) w.args.emplace_back(static_cast<int64_t>(std::stoll(after.sortValue.empty() ? "0" : after.sortValue)));
        else w.args.emplace_back(after.sortValue);
        w.args.emplace_back(after.id);
    }
    const char* dir = spec.desc ? " DESC" : " ASC";
    std::string sqlText =
        std::string("SELECT o.id, o.prompt_id, o.model_id, o.agent_id, coalesce(p.title, ''), coalesce(m.name, ''), coalesce(a.name, ''), "
                    "o.rating, o.captured_at, o.updated_at, o.output_edited IS NOT NULL, o.deleted_at IS NOT NULL, "
                    "substr(coalesce(o.output_edited, o.output), 1, 160), ") +
        spec.expr + " FROM outputs o" + (walk ? std::string(" INDEXED BY ") + walk : std::string()) +
        " LEFT JOIN prompts p ON p.id = o.prompt_id LEFT JOIN models m ON m.id = o.model_id "
                    "LEFT JOIN agents a ON a.id = o.agent_id" +
        w.sql + " ORDER BY " + spec.expr + dir + ", o.id" + dir + " LIMIT " + std::to_string(limit + 1);
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    w.bindTo(s);
    return readPage<OutputRow>(s, limit, 13, [](const sql::Stmt& s) {
        OutputRow r;
        r.id = s.getText(0);
        r.promptId = s.getOptText(1);
        r.modelId = s.getOptText(2);
        r.agentId = s.getOptText(3);
        r.promptTitle = s.getText(4);
        r.modelName = s.getText(5);
        r.agentName = s.getText(6);
        r.rating = s.getOptInt(7);
        r.capturedAt = s.getText(8);
        r.updatedAt = s.getText(9);
        r.edited = s.getInt(10) != 0;
        r.deleted = s.getInt(11) != 0;
        r.preview = previewText(s.getText(12), 120);
        return r;
    });
}

int64_t Store::countOutputs(const OutputFilter& f) {
    SqlWhere w = outputWhere(f);
    auto& s = m_db.cached("SELECT count(*) FROM outputs o" + w.sql);
    sql::StmtUse use(s);
    w.bindTo(s);
    return s.step() ? s.getInt(0) : 0;
}

Page<PromptRow> Store::listPrompts(const PromptFilter& f, PromptSort sort, const PageCursor& after, int limit) {
    if (limit <= 0) limit = 100;
    SqlWhere w = promptWhere(f);
    const char* key = sort == PromptSort::TitleAsc ? "p.title COLLATE NOCASE" : "p.updated_at";
    const bool desc = sort != PromptSort::TitleAsc;
    if (after.valid) {
        w.add(std::string("(") + key + ", p.id) " + (desc ? "<" : ">") + " (?, ?)");
        w.args.emplace_back(after.sortValue);
        w.args.emplace_back(after.id);
    }
    const char* dir = desc ? " DESC" : " ASC";
    std::string sqlText = "SELECT p.id, p.title, substr(p.body, 1, 160), p.derived_from_id, "
                          "coalesce((SELECT n FROM pv_counts WHERE rel = 'prompt.outputs' AND id = p.id), 0), " +
                          std::string(kPromptQaDone) + ", " + kPromptQaTotal + ", p.updated_at, p.deleted_at IS NOT NULL, " +
                          (sort == PromptSort::TitleAsc ? "p.title" : "p.updated_at") +
                          ", p.derived_from_id IS NOT NULL OR EXISTS (SELECT 1 FROM prompts it WHERE it.derived_from_id = p.id)"
                          " FROM prompts p" + w.sql + " ORDER BY " + key + dir +
                          ", p.id" + dir + " LIMIT " + std::to_string(limit + 1);
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    w.bindTo(s);
    auto page = readPage<PromptRow>(s, limit, 9, [](const sql::Stmt& s) {
        PromptRow r;
        r.id = s.getText(0);
        r.title = s.getText(1);
        r.preview = previewText(s.getText(2), 120);
        r.derivedFromId = s.getOptText(3);
        r.outputCount = s.getInt(4);
        r.qaDone = s.getInt(5);
        r.qaTotal = s.getInt(6);
        r.updatedAt = s.getText(7);
        r.deleted = s.getInt(8) != 0;
        r.iteration = s.getInt(10) != 0 ? -1 : 0;
        return r;
    });
    for (auto& r : page.rows)
        if (r.iteration < 0) r.iteration = iterationOf(r.id).number;
    return page;
}

std::vector<NamedRow> Store::listNamedRows(Kind kind, const std::string& nameFilter, bool includeDeleted) {
    std::string sqlText;
    switch (kind) {
    case Kind::Model:
        sqlText = "SELECT x.id, x.name, x.provider, coalesce((SELECT n FROM pv_counts WHERE rel = 'model.outputs' AND id = x.id), 0), "
                  "x.deleted_at IS NOT NULL FROM models x";
        break;
    case Kind::Agent:
        sqlText = "SELECT x.id, x.name, x.platform, coalesce((SELECT n FROM pv_counts WHERE rel = 'agent.outputs' AND id = x.id), 0), "
                  "x.deleted_at IS NOT NULL FROM agents x";
        break;
    case Kind::Tag:
        sqlText = "SELECT x.id, x.name, x.color, (SELECT coalesce(sum(n), 0) FROM pv_counts WHERE rel IN ('tag.outputs', 'tag.prompts') "
                  "AND id = x.id), x.deleted_at IS NOT NULL FROM tags x";
        break;
    case Kind::QaActivity:
        sqlText = "SELECT x.id, x.name, x.description, (SELECT count(*) FROM prompt_qa_checks c JOIN prompts p ON p.id = c.prompt_id "
                  "WHERE c.qa_activity_id = x.id AND c.deleted_at IS NULL AND p.deleted_at IS NULL), x.deleted_at IS NOT NULL FROM qa_activities x";
        break;
    case Kind::Lookup:
        sqlText = "SELECT x.id, x.name, CASE x.applies_to WHEN 'both' THEN 'outputs and prompts' ELSE x.applies_to END || CASE WHEN x.multi THEN ', many values' ELSE ', one value' END, "
                  "(SELECT count(*) FROM lookup_values v WHERE v.lookup_id = x.id AND v.deleted_at IS NULL), x.deleted_at IS NOT NULL FROM lookups x";
        break;
    default: throw StoreError(std::string("no list of named records for ") + kindName(kind));
    }
    sqlText += " WHERE (?1 = '' OR x.name LIKE '%' || ?1 || '%') AND (?2 OR x.deleted_at IS NULL) ORDER BY ";
    sqlText += kind == Kind::QaActivity || kind == Kind::Lookup ? "x.sort_order, x.name COLLATE NOCASE, x.id" : "x.name COLLATE NOCASE, x.id";
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, nameFilter).bind(2, int64_t(includeDeleted));
    std::vector<NamedRow> out;
    while (s.step()) out.push_back({s.getText(0), s.getText(1), s.getText(2), s.getInt(3), s.getInt(4) != 0});
    return out;
}

std::vector<SearchHit> Store::search(const std::string& text, int limit, SearchOrder order) {
    auto q = toFtsQuery(text);
    std::vector<SearchHit> out;
    if (q.empty()) return out;
    // ORDER BY rank lets FTS5 sort the matches itself, so snippets are made for returned rows only.
    // ORDER BY rowid DESC walks the index backwards and stops at the limit: no rank is computed
    // (bm25's first call reads every match of every term), so a very common word costs no more
    // than a rare one.
    const char* sqlText =
        order == SearchOrder::Relevance
            ? "SELECT * FROM ("
              " SELECT 'prompt', p.id, p.title, snippet(prompts_fts, -1, '[', ']', '…', 12), prompts_fts.rank FROM prompts_fts "
              " CROSS JOIN prompts p ON p.rowid = prompts_fts.rowid WHERE prompts_fts MATCH ?1 AND p.deleted_at IS NULL ORDER BY prompts_fts.rank LIMIT ?2) "
              "UNION ALL SELECT * FROM ("
              " SELECT 'output', o.id, coalesce(pp.title, ''), snippet(outputs_fts, -1, '[', ']', '…', 12), outputs_fts.rank FROM outputs_fts "
              " CROSS JOIN outputs o ON o.rowid = outputs_fts.rowid LEFT JOIN prompts pp ON pp.id = o.prompt_id "
              " WHERE outputs_fts MATCH ?1 AND o.deleted_at IS NULL ORDER BY outputs_fts.rank LIMIT ?2) "
              "ORDER BY 5 LIMIT ?2"
            : "SELECT * FROM ("
              " SELECT 'prompt', p.id, p.title, snippet(prompts_fts, -1, '[', ']', '…', 12), 0.0, p.created_at, p.rowid FROM prompts_fts "
              " CROSS JOIN prompts p ON p.rowid = prompts_fts.rowid WHERE prompts_fts MATCH ?1 AND p.deleted_at IS NULL "
              " ORDER BY prompts_fts.rowid DESC LIMIT ?2) "
              "UNION ALL SELECT * FROM ("
              " SELECT 'output', o.id, coalesce(pp.title, ''), snippet(outputs_fts, -1, '[', ']', '…', 12), 0.0, o.created_at, o.rowid FROM outputs_fts "
              " CROSS JOIN outputs o ON o.rowid = outputs_fts.rowid LEFT JOIN prompts pp ON pp.id = o.prompt_id "
              " WHERE outputs_fts MATCH ?1 AND o.deleted_at IS NULL ORDER BY outputs_fts.rowid DESC LIMIT ?2) "
              "ORDER BY 6 DESC, 7 DESC LIMIT ?2";  // rowid breaks millisecond ties in insertion order
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, q).bind(2, int64_t(limit));
    while (s.step()) {
        SearchHit h;
        h.ref = {*kindFromName(s.getText(0)), s.getText(1)};
        h.title = s.getText(2);
        h.snippet = previewText(s.getText(3), 240);
        h.rank = s.getDouble(4);
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<SearchHit> Store::jumpTo(const std::string& text, int limit) {
    std::vector<SearchHit> out;
    if (text.empty()) return out;
    // LIKE wildcards in what was typed are literal characters, not patterns.
    std::string like;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') like += '\\';
        like += c;
    }
    // Names first (prefix beats substring), across every kind a person names.
    auto& s = m_db.cached(
        "SELECT kind, id, name, (name LIKE ?1 || '%' ESCAPE '\\') AS prefix FROM ("
        " SELECT 'prompt' AS kind, id, title AS name FROM prompts WHERE deleted_at IS NULL AND title LIKE '%' || ?1 || '%' ESCAPE '\\'"
        " UNION ALL SELECT 'model', id, name FROM models WHERE deleted_at IS NULL AND name LIKE '%' || ?1 || '%' ESCAPE '\\'"
        " UNION ALL SELECT 'agent', id, name FROM agents WHERE deleted_at IS NULL AND name LIKE '%' || ?1 || '%' ESCAPE '\\'"
        " UNION ALL SELECT 'tag', id, name FROM tags WHERE deleted_at IS NULL AND name LIKE '%' || ?1 || '%' ESCAPE '\\'"
        " UNION ALL SELECT 'qa_activity', id, name FROM qa_activities WHERE deleted_at IS NULL AND name LIKE '%' || ?1 || '%' ESCAPE '\\'"
        " UNION ALL SELECT 'output', id, substr(output, 1, 80) FROM outputs WHERE id = ?3"
        ") ORDER BY prefix DESC, length(name), name LIMIT ?2");
    sql::StmtUse use(s);
    s.bind(1, like).bind(2, int64_t(limit)).bind(3, text);
    while (s.step()) {
        SearchHit h;
        h.ref = {*kindFromName(s.getText(0)), s.getText(1)};
        h.title = previewText(s.getText(2), 100);
        out.push_back(std::move(h));
    }
    return out;
}

std::string Store::labelOf(const RecordRef& r) {
    std::string sqlText;
    switch (r.kind) {
    case Kind::Prompt: sqlText = "SELECT CASE WHEN title <> '' THEN title ELSE substr(body, 1, 80) END FROM prompts WHERE id = ?"; break;
    case Kind::Output: sqlText = "SELECT substr(coalesce(output_edited, output), 1, 80) FROM outputs WHERE id = ?"; break;
    case Kind::LookupValue: sqlText = "SELECT value FROM lookup_values WHERE id = ?"; break;
    default: sqlText = std::string("SELECT name FROM ") + kindTable(r.kind) + " WHERE id = ?"; break;
    }
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, r.id);
    return s.step() ? previewText(s.getText(0), 80) : std::string();
}

void Store::exportJson(std::ostream& out) {
    // Streamed row by row so a million-output vault never sits in memory; one row per line.
    std::vector<const TableDef*> tables;
    for (const auto& t : syncedTables()) tables.push_back(&t);
    std::sort(tables.begin(), tables.end(), [](auto* a, auto* b) { return a->name < b->name; });
    out << "{";
    bool firstTable = true;
    for (const auto* t : tables) {
        out << (firstTable ? "\n" : ",\n") << nlohmann::json(t->name).dump() << ": [";
        firstTable = false;
        std::string keyOrder;
        for (const auto& k : t->key) keyOrder += (keyOrder.empty() ? "" : ", ") + k;
        sql::Stmt s = m_db.prepare("SELECT * FROM " + t->name + " ORDER BY " + keyOrder);
        bool firstRow = true;
        while (s.step()) {
            nlohmann::json row = nlohmann::json::object();
            for (int c = 0; c < s.columnCount(); ++c) {
                switch (s.columnType(c)) {
                case SQLITE_NULL: row[s.columnName(c)] = nullptr; break;
                case SQLITE_INTEGER: row[s.columnName(c)] = s.getInt(c); break;
                case SQLITE_FLOAT: row[s.columnName(c)] = s.getDouble(c); break;
                default: row[s.columnName(c)] = s.getText(c); break;
                }
            }
            out << (firstRow ? "\n  " : ",\n  ") << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            firstRow = false;
        }
        out << (firstRow ? "]" : "\n]");
    }
    out << "\n}\n";
}

} // namespace pv
