#include "ListFilters.hpp"

#include "Store.hpp"

namespace pv {

void SqlWhere::bindTo(sql::Stmt& s, int first) const {
    int i = first;
    for (const auto& v : args) {
        if (std::holds_alternative<std::string>(v)) s.bind(i++, std::get<std::string>(v));
        else s.bind(i++, std::get<int64_t>(v));
    }
}

SqlWhere outputWhere(const OutputFilter& f, bool denseTag) {
    SqlWhere w;
    if (f.onlyDeleted) w.add("o.deleted_at IS NOT NULL");
    else if (!f.includeDeleted) w.add("o.deleted_at IS NULL");
    if (f.promptId) w.add("o.prompt_id = ?"), w.args.emplace_back(*f.promptId);
    if (f.modelId) w.add("o.model_id = ?"), w.args.emplace_back(*f.modelId);
    if (f.agentId) w.add("o.agent_id = ?"), w.args.emplace_back(*f.agentId);
    if (f.tagId && denseTag)
        w.add("EXISTS (SELECT 1 FROM output_tags l WHERE l.output_id = o.id AND l.tag_id = ? AND l.deleted_at IS NULL)"),
            w.args.emplace_back(*f.tagId);
    else if (f.tagId)
        w.add("o.id IN (SELECT output_id FROM output_tags WHERE tag_id = ? AND deleted_at IS NULL)"), w.args.emplace_back(*f.tagId);
    if (f.lookupValueId)
        w.add("o.id IN (SELECT output_id FROM output_lookup_values WHERE lookup_value_id = ? AND deleted_at IS NULL)"),
            w.args.emplace_back(*f.lookupValueId);
    if (f.minRating) w.add("o.rating >= ?"), w.args.emplace_back(*f.minRating);
    if (f.edited) w.add(*f.edited ? "o.output_edited IS NOT NULL" : "o.output_edited IS NULL");
    if (f.language) w.add("o.language = ?"), w.args.emplace_back(*f.language);
    if (!f.capturedFrom.empty()) w.add("o.captured_at >= ?"), w.args.emplace_back(f.capturedFrom);
    if (!f.capturedTo.empty()) w.add("o.captured_at < ?"), w.args.emplace_back(f.capturedTo);
    auto q = toFtsQuery(f.text);
    if (!q.empty()) w.add(kOutputTextMatch), w.args.emplace_back(q), w.args.emplace_back(q);
    return w;
}

SqlWhere promptWhere(const PromptFilter& f) {
    SqlWhere w;
    if (!f.includeDeleted) w.add("p.deleted_at IS NULL");
    if (f.tagId) w.add("p.id IN (SELECT prompt_id FROM prompt_tags WHERE tag_id = ? AND deleted_at IS NULL)"), w.args.emplace_back(*f.tagId);
    if (f.lookupValueId)
        w.add("p.id IN (SELECT prompt_id FROM prompt_lookup_values WHERE lookup_value_id = ? AND deleted_at IS NULL)"),
            w.args.emplace_back(*f.lookupValueId);
    auto q = toFtsQuery(f.text);
    if (!q.empty()) w.add("p.rowid IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?)"), w.args.emplace_back(q);
    const std::string done = kPromptQaDone, total = kPromptQaTotal;
    switch (f.qa) {
    case PromptFilter::Qa::Any: break;
    case PromptFilter::Qa::Complete: w.add(total + " > 0 AND " + done + " = " + total); break;
    case PromptFilter::Qa::Incomplete: w.add(done + " < " + total); break;
    case PromptFilter::Qa::NotStarted: w.add(done + " = 0"); break;
    }
    return w;
}

} // namespace pv
