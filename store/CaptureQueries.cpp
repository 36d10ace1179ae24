// Store functions for the importers' Markdown export (app/capture/MarkdownExport.cpp).
#include "Store.hpp"

namespace pv {

std::vector<std::pair<std::string, std::string>> Store::livePromptTitles() {
    std::vector<std::pair<std::string, std::string>> out;
    auto st = m_db.prepare("SELECT id, title FROM prompts WHERE deleted_at IS NULL ORDER BY id");
    while (st.step()) out.emplace_back(st.getText(0), st.getText(1));
    return out;
}

std::vector<std::string> Store::liveOutputIdsOf(const std::string& promptId) {
    std::vector<std::string> ids;
    auto& s = m_db.cached("SELECT id FROM outputs WHERE prompt_id = ? AND deleted_at IS NULL ORDER BY captured_at, id");
    sql::StmtUse use(s);
    s.bind(1, promptId);
    while (s.step()) ids.push_back(s.getText(0));
    return ids;
}

int64_t Store::liveOutputCountOf(const std::string& promptId) {
    auto& st = m_db.cached("SELECT count(*) FROM outputs WHERE deleted_at IS NULL AND prompt_id = ?");
    sql::StmtUse use(st);
    st.bind(1, promptId);
    return st.step() ? st.getInt(0) : 0;
}

} // namespace pv
