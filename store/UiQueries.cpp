#include "UiQueries.hpp"

#include "ListFilters.hpp"
#include "StoreInternals.hpp"


namespace pv::uiq {

namespace {

PageCursor cursorAt(Store& s, const std::string& sqlText, const SqlWhere& w, int64_t index) {
    if (index <= 0) return {};
    auto& st = StoreInternals::db(s).cached(sqlText);
    sql::StmtUse use(st);
    w.bindTo(st);
    st.bind(static_cast<int>(w.args.size()) + 1, index - 1);
    if (!st.step()) return {};
    return {true, st.getText(0), st.getText(1)};
}

} // namespace

PageCursor outputCursorAt(Store& s, const OutputFilter& f, OutputSort sort, int64_t index) {
    const char* expr = "o.captured_at";
    bool desc = true;
    switch (sort) {
    case OutputSort::CapturedDesc: break;
    case OutputSort::CapturedAsc: desc = false; break;
    case OutputSort::UpdatedDesc: expr = "o.updated_at"; break;
    case OutputSort::RatingDesc: expr = "coalesce(o.rating, 0)"; break;
    }
    auto w = outputWhere(f);
    const char* dir = desc ? " DESC" : " ASC";
    std::string sqlText = std::string("SELECT ") + expr + ", o.id FROM outputs o" + w.sql + " ORDER BY " + expr + dir + ", o.id" + dir +
                          " LIMIT 1 OFFSET ?";
    return cursorAt(s, sqlText, w, index);
}

PageCursor promptCursorAt(Store& s, const PromptFilter& f, PromptSort sort, int64_t index) {
    const bool title = sort == PromptSort::TitleAsc;
    const char* key = title ? "p.title COLLATE NOCASE" : "p.updated_at";
    const char* dir = title ? " ASC" : " DESC";
    auto w = promptWhere(f);
    std::string sqlText = std::string("SELECT ") + (title ? "p.title" : "p.updated_at") + ", p.id FROM prompts p" + w.sql + " ORDER BY " +
                          key + dir + ", p.id" + dir + " LIMIT 1 OFFSET ?";
    return cursorAt(s, sqlText, w, index);
}

int64_t countPrompts(Store& s, const PromptFilter& f) {
    auto w = promptWhere(f);
    auto& st = StoreInternals::db(s).cached("SELECT count(*) FROM prompts p" + w.sql);
    sql::StmtUse use(st);
    w.bindTo(st);
    return st.step() ? st.getInt(0) : 0;
}

std::vector<NameHit> findNames(Store& s, Kind kind, const std::string& text, int limit, const std::string& lookupId) {
    std::string table, name, detail = "''", extra;
    switch (kind) {
    case Kind::Prompt: table = "prompts"; name = "CASE WHEN title <> '' THEN title ELSE substr(body, 1, 80) END"; detail = "substr(body, 1, 80)"; break;
    case Kind::Model: table = "models"; name = "name"; detail = "provider"; break;
    case Kind::Agent: table = "agents"; name = "name"; detail = "platform"; break;
    case Kind::Tag: table = "tags"; name = "name"; break;
    case Kind::QaActivity: table = "qa_activities"; name = "name"; detail = "description"; break;
    case Kind::Lookup: table = "lookups"; name = "name"; detail = "applies_to"; break;
    case Kind::LookupValue: table = "lookup_values"; name = "value"; extra = " AND (?3 = '' OR lookup_id = ?3)"; break;
    default: throw StoreError(std::string("no name look-up for ") + kindName(kind));
    }
    // Prompts can be many: the title index serves the prefix case; substring only scans when asked.
    std::string sqlText = "SELECT id, " + name + ", " + detail + ", CASE WHEN " + name + " = ?1 COLLATE NOCASE THEN 0 WHEN " + name +
                          " LIKE ?1 || '%' THEN 1 ELSE 2 END AS rk FROM " + table + " WHERE deleted_at IS NULL" + extra +
                          " AND (?1 = '' OR " + name + " LIKE '%' || ?1 || '%') ORDER BY rk, CASE WHEN ?1 = '' THEN updated_at END DESC, " +
                          "length(" + name + "), " + name + " COLLATE NOCASE LIMIT ?2";
    auto& st = StoreInternals::db(s).cached(sqlText);
    sql::StmtUse use(st);
    st.bind(1, text).bind(2, int64_t(limit));
    if (!extra.empty()) st.bind(3, lookupId);
    std::vector<NameHit> out;
    while (st.step()) out.push_back({st.getText(0), previewText(st.getText(1), 100), previewText(st.getText(2), 80)});
    return out;
}

} // namespace pv::uiq
