// The WHERE clauses of the outputs and prompts lists, built once: the pages (Store::listOutputs,
// Store::listPrompts), their counts and the cursor a scroll jumps to (UiQueries) all use these, so
// an OFFSET row always lines up with the pages.
#pragma once
#include "Store.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace pv {

struct SqlWhere {
    std::string sql;  // "" or " WHERE ... AND ..."
    std::vector<std::variant<std::string, int64_t>> args;

    void add(const std::string& clause) { sql += (sql.empty() ? " WHERE " : " AND ") + clause; }
    void bindTo(sql::Stmt& s, int first = 1) const;
};

// A prompt's checklist is the activities added to it: both counts read its live checks of live
// activities (alias `p` for prompts).
inline constexpr const char* kPromptQaDone =
    "(SELECT count(*) FROM prompt_qa_checks qc JOIN qa_activities qa ON qa.id = qc.qa_activity_id WHERE qc.prompt_id = p.id "
    "AND qc.done = 1 AND qc.deleted_at IS NULL AND qa.deleted_at IS NULL)";
inline constexpr const char* kPromptQaTotal =
    "(SELECT count(*) FROM prompt_qa_checks qc JOIN qa_activities qa ON qa.id = qc.qa_activity_id WHERE qc.prompt_id = p.id "
    "AND qc.deleted_at IS NULL AND qa.deleted_at IS NULL)";

// denseTag: a tag on many outputs is probed per row (EXISTS) while an index gives the order; a
// rare one drives the query from its links (IN) and the few rows are sorted.
SqlWhere outputWhere(const OutputFilter& f, bool denseTag = false);
SqlWhere promptWhere(const PromptFilter& f);

} // namespace pv
