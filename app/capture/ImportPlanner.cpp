#include "ImportPlanner.hpp"

#include "ImportCommon.hpp"
#include "Language.hpp"

#include <algorithm>
#include <unordered_map>

namespace pv::capture {

ConversationPlan ImportPlanner::plan(const Conversation& c, const std::string& where) {
    ImportPlanner p(c);
    p.walk(where);
    for (auto& a : p.m_plan.answers) a.language = detectLanguage(a.text.empty() ? kNoAnswerText : a.text);
    return std::move(p.m_plan);
}

ImportPlanner::ImportPlanner(const Conversation& c) : m_c(c) {}

void ImportPlanner::walk(const std::string& where) {
    const Conversation& c = m_c;
    const size_t n = c.msgs.size();
    std::unordered_map<std::string, size_t> index;
    index.reserve(n);
    std::vector<bool> usable(n, true);
    for (size_t i = 0; i < n; ++i) {
        if (!index.emplace(c.msgs[i].id, i).second) {
            usable[i] = false;
            m_plan.skipped.push_back({where + ", message " + c.msgs[i].id, "the same message id appears twice; kept the first"});
        }
    }
    std::vector<std::vector<size_t>> children(n);
    std::vector<size_t> roots;
    for (size_t i = 0; i < n; ++i) {
        if (!usable[i]) continue;
        const Msg& m = c.msgs[i];
        if (!m.parentId) {
            roots.push_back(i);
            continue;
        }
        auto it = index.find(*m.parentId);
        if (it == index.end() || !usable[it->second]) {
            m_plan.warnings.push_back(where + ", message " + m.id + ": its parent '" + *m.parentId +
                                      "' is missing; imported as the start of its own branch");
            roots.push_back(i);
        } else {
            children[it->second].push_back(i);
        }
    }
    auto byOrder = [&](size_t a, size_t b) {
        if (c.msgs[a].order != c.msgs[b].order) return c.msgs[a].order < c.msgs[b].order;
        return c.msgs[a].id < c.msgs[b].id;
    };
    for (auto& ch : children) std::sort(ch.begin(), ch.end(), byOrder);
    std::sort(roots.begin(), roots.end(), byOrder);

    m_plan.prevSibling.assign(n, std::nullopt);
    m_plan.firstPrompt.assign(n, false);
    std::vector<bool> visited(n, false);
    // Iterative depth-first walk: deep conversations never blow the stack.
    struct Frame {
        size_t node;
        std::shared_ptr<const Path> path;
        std::optional<size_t> prevUserSibling;
    };
    std::vector<Frame> stack;
    auto pushChildren = [&](const std::vector<size_t>& kids, const std::shared_ptr<const Path>& path) {
        std::optional<size_t> prevUser;
        std::vector<Frame> frames;
        frames.reserve(kids.size());
        for (size_t k : kids) {
            frames.push_back({k, path, prevUser});
            if (c.msgs[k].role == MsgRole::User) prevUser = k;
        }
        for (auto it = frames.rbegin(); it != frames.rend(); ++it) stack.push_back(std::move(*it));
    };
    pushChildren(roots, std::make_shared<Path>());
    while (!stack.empty()) {
        Frame f = std::move(stack.back());
        stack.pop_back();
        if (visited[f.node]) continue;
        visited[f.node] = true;
        auto next = step(f.node, *f.path, f.prevUserSibling, children);
        pushChildren(children[f.node], next ? next : f.path);
    }
    for (size_t i = 0; i < n; ++i)
        if (visited[i] && c.msgs[i].role == MsgRole::User) m_plan.walkedUsers.push_back(i);
    size_t lost = 0;
    std::string firstLost;
    for (size_t i = 0; i < n; ++i) {
        if (usable[i] && !visited[i]) {
            if (!lost) firstLost = c.msgs[i].id;
            ++lost;
        }
    }
    if (lost)
        m_plan.skipped.push_back({where, std::to_string(lost) + " message(s) from '" + firstLost +
                                             "' on are in a cycle of the message tree (their parents never reach a start); not imported"});
    for (const auto& w : c.warnings) m_plan.warnings.push_back(where + ": " + w);
}

std::shared_ptr<const ImportPlanner::Path> ImportPlanner::step(size_t i, const Path& in, std::optional<size_t> prevUserSibling,
                                                               const std::vector<std::vector<size_t>>& children) {
    const Msg& m = m_c.msgs[i];
    switch (m.role) {
    case MsgRole::Empty:
        return nullptr;
    case MsgRole::Context: {
        auto p = std::make_shared<Path>(in);
        appendPara(p->haveUser ? p->notes : p->context, m.notes);
        return p;
    }
    case MsgRole::User: {
        auto p = std::make_shared<Path>();
        p->haveUser = true;
        p->userIdx = i;
        p->firstPromptDone = true;
        p->notes = in.context;
        if (in.haveUser && in.replyIds.empty()) appendPara(p->notes, in.notes);
        m_plan.prevSibling[i] = prevUserSibling;
        m_plan.firstPrompt[i] = !in.firstPromptDone;
        return p;
    }
    case MsgRole::Reply: {
        auto p = std::make_shared<Path>(in);
        appendPara(p->text, m.text);
        appendPara(p->notes, m.notes);
        if (!m.model.empty()) p->model = m.model;
        p->lastReplyId = m.id;
        p->replyIds.push_back(m.id);
        if (!m.createdAt.empty()) p->lastReplyAt = m.createdAt;
        bool turnEnd = true;
        for (size_t k : children[i])
            if (m_c.msgs[k].role != MsgRole::User) turnEnd = false;
        if (!children[i].empty() && !turnEnd) {
            bool anyUser = false;
            for (size_t k : children[i]) anyUser |= m_c.msgs[k].role == MsgRole::User;
            turnEnd = anyUser;
        }
        // An empty reply (no text, no notes) is nothing to keep.
        if (turnEnd && !(p->text.empty() && p->notes.empty()))
            m_plan.answers.push_back({p->haveUser, p->userIdx, p->text, p->notes, p->model, p->lastReplyId, p->lastReplyAt, p->replyIds});
        return p;
    }
    }
    return nullptr;
}

} // namespace pv::capture
