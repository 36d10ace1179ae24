#include "BatchWriter.hpp"

#include "ImportCommon.hpp"

#include <algorithm>
#include <functional>

namespace pv::capture {

BatchWriter::BatchWriter(Store& store, ImportWriter& vault, const ImportOptions& o) : m_store(store), m_vault(vault), m_options(o) {
    // Same text = same prompt: index the live prompts by a hash of their body, once.
    m_vault.forEachLivePrompt([this](const std::string& id, const std::string& body) { m_prompts[hashOf(body)].push_back(id); });
}

std::string BatchWriter::model(const std::string& name, const std::string& provider) {
    auto it = m_models.find(name);
    if (it != m_models.end()) return it->second;
    std::string id;
    if (auto found = m_store.findByName(Kind::Model, name)) {
        id = *found;
        ++counts.models.present;
    } else {
        Model m;
        m.name = name;
        m.provider = provider;
        m.notes = std::string("created by the ") + sourceLabel(m_options.source) + " import";
        id = m_store.createModel(m).id;
        ++counts.models.added;
    }
    m_models[name] = id;
    return id;
}

std::string BatchWriter::agent(const Agent& wanted) {
    auto it = m_agents.find(wanted.url);
    if (it != m_agents.end()) return it->second;
    std::string id;
    if (auto found = m_vault.findAgentByUrl(wanted.platform, wanted.url)) id = std::move(*found);
    if (!id.empty()) {
        ++counts.agents.present;
    } else {
        id = m_store.createAgent(wanted).id;
        ++counts.agents.added;
    }
    m_agents[wanted.url] = id;
    return id;
}

void BatchWriter::notePresentPrompt(const std::string& id) {
    if (!m_createdPrompts.count(id) && m_seenPresent.insert(id).second) ++counts.prompts.present;
}

std::optional<std::string> BatchWriter::findPrompt(const std::string& body) {
    auto it = m_prompts.find(hashOf(body));
    if (it == m_prompts.end()) return std::nullopt;
    for (const auto& id : it->second)
        if (sameBody(id, body)) return id;
    return std::nullopt;
}

std::string BatchWriter::prompt(const std::string& title, const std::string& body, const std::string& notes,
                   const std::optional<std::string>& derivedFrom, bool& created) {
    const size_t h = hashOf(body);
    auto& ids = m_prompts[h];
    for (const auto& id : ids) {
        if (sameBody(id, body)) {
            created = false;
            if (!m_createdPrompts.count(id) && m_seenPresent.insert(id).second) ++counts.prompts.present;
            return id;
        }
    }
    Prompt p;
    p.id = newUuidV7();
    p.title = title.empty() ? previewText(body, 80) : title;
    p.body = body;
    p.notes = notes;
    p.derivedFromId = derivedFrom;
    validate(p);
    std::string id = p.id;
    m_heldPromptIdx.emplace(id, m_heldPrompts.size());
    m_heldPrompts.push_back(std::move(p));
    ids.push_back(id);
    m_undoPrompts.emplace_back(h, id);
    m_createdPrompts.insert(id);
    ++counts.prompts.added;
    created = true;
    return id;
}

std::optional<BatchWriter::Existing> BatchWriter::findOutput(const std::string& conversationId, const std::string& messageId) {
    auto h = m_heldOutputKeys.find(outputKey(conversationId, messageId));
    if (h != m_heldOutputKeys.end()) {
        const Output& o = m_heldOutputs[h->second];
        return Existing{o.id, o.rating.has_value(), h->second};
    }
    if (!vaultHasConversation(conversationId)) return std::nullopt;
    auto found = m_vault.findOutput(conversationId, messageId);
    if (!found) return std::nullopt;
    return Existing{std::move(found->id), found->hasRating, std::nullopt};
}

bool BatchWriter::vaultHasConversation(const std::string& conversationId) {
    if (m_probed && m_probedConversation == conversationId) return m_probedHas;
    m_probedHas = m_vault.hasConversation(conversationId);
    m_probedConversation = conversationId;
    m_probed = true;
    return m_probedHas;
}

void BatchWriter::setRatingIfNone(const Existing& e, int rating) {
    if (e.held) {
        auto& r = m_heldOutputs[*e.held].rating;
        if (!r) {
            r = rating;
            ++counts.ratingsSet;
        }
        return;
    }
    if (m_vault.setRatingIfNone(e.id, rating)) ++counts.ratingsSet;
}

void BatchWriter::createOutput(Output& o) {
    // The checks Store::createOutput makes; prompt, model and agent ids come from this writer.
    validate(o);
    if (o.id.empty()) o.id = newUuidV7();
    if (o.capturedAt.empty()) o.capturedAt = nowIso();
    m_heldOutputKeys.emplace(outputKey(o.conversationId, o.messageId), m_heldOutputs.size());
    m_heldOutputs.push_back(std::move(o));
    ++counts.outputs.added;
}

void BatchWriter::present() { ++counts.outputs.present; }

void BatchWriter::mark() {
    m_undoPrompts.clear();
    m_mark = counts;
    m_markPrompts = m_heldPrompts.size();
    m_markOutputs = m_heldOutputs.size();
}

void BatchWriter::conversationDone(const std::string& where, bool added) {
    if (m_heldPrompts.size() > m_markPrompts || m_heldOutputs.size() > m_markOutputs)
        m_spans.push_back({where, m_markPrompts, m_heldPrompts.size(), m_markOutputs, m_heldOutputs.size(), added});
}

void BatchWriter::undo() {
    for (auto& [h, id] : m_undoPrompts) {
        auto& v = m_prompts[h];
        v.erase(std::remove(v.begin(), v.end(), id), v.end());
        m_createdPrompts.erase(id);
    }
    for (size_t i = m_markPrompts; i < m_heldPrompts.size(); ++i) m_heldPromptIdx.erase(m_heldPrompts[i].id);
    m_heldPrompts.resize(m_markPrompts);
    for (size_t i = m_markOutputs; i < m_heldOutputs.size(); ++i)
        m_heldOutputKeys.erase(outputKey(m_heldOutputs[i].conversationId, m_heldOutputs[i].messageId));
    m_heldOutputs.resize(m_markOutputs);
    m_models.clear();  // a present model found in the rolled-back part is still present; lookups redo it
    m_agents.clear();
    counts = m_mark;
    m_probed = false;
    mark();
}

std::vector<SkippedItem> BatchWriter::flush() {
    std::vector<SkippedItem> failed;
    m_probed = false;  // what the vault holds is about to change
    if (m_heldPrompts.empty() && m_heldOutputs.empty()) return failed;
    try {
        m_vault.insertRows(m_heldPrompts, 0, m_heldPrompts.size(), m_heldOutputs, 0, m_heldOutputs.size());
    } catch (const sql::Error& e) {
        // insertRows rolled its savepoint back: nothing of the batch's held rows is in.
        if (isVaultFailure(e)) throw;
        // One row was refused: write conversation by conversation so only its conversation is lost.
        // A later conversation of the batch may reuse a prompt held for a lost one (the same
        // text asked again): it is lost too, since the vault's foreign keys are checked only at
        // COMMIT and would fail the whole batch there.
        std::unordered_set<std::string> lostPrompts;
        auto dependsOnLost = [&](const Span& sp) {
            for (size_t i = sp.p0; i < sp.p1; ++i)
                if (m_heldPrompts[i].derivedFromId && lostPrompts.count(*m_heldPrompts[i].derivedFromId)) return true;
            for (size_t i = sp.o0; i < sp.o1; ++i)
                if (m_heldOutputs[i].promptId && lostPrompts.count(*m_heldOutputs[i].promptId)) return true;
            return false;
        };
        for (const auto& sp : m_spans) {
            std::string why;
            if (dependsOnLost(sp)) {
                why = "not imported, nothing of it was kept: it uses a prompt of a conversation above that was not imported";
            } else {
                try {
                    m_vault.insertRows(m_heldPrompts, sp.p0, sp.p1, m_heldOutputs, sp.o0, sp.o1);
                    continue;
                } catch (const sql::Error& e2) {
                    if (isVaultFailure(e2)) throw;
                    why = std::string("not imported, nothing of it was kept: ") + e2.what();
                }
            }
            failed.push_back({sp.where, why});
            counts.prompts.added -= static_cast<int64_t>(sp.p1 - sp.p0);
            counts.outputs.added -= static_cast<int64_t>(sp.o1 - sp.o0);
            if (sp.added) --counts.conversations.added;
            for (size_t i = sp.p0; i < sp.p1; ++i) forgetPrompt(m_heldPrompts[i]);
            for (size_t i = sp.p0; i < sp.p1; ++i) lostPrompts.insert(m_heldPrompts[i].id);
        }
    }
    m_heldPrompts.clear();
    m_heldPromptIdx.clear();
    m_heldOutputs.clear();
    m_heldOutputKeys.clear();
    m_spans.clear();
    m_markPrompts = m_markOutputs = 0;
    return failed;
}

size_t BatchWriter::hashOf(const std::string& s) { return std::hash<std::string>{}(s); }

void BatchWriter::forgetPrompt(const Prompt& p) {
    auto it = m_prompts.find(hashOf(p.body));
    if (it != m_prompts.end()) it->second.erase(std::remove(it->second.begin(), it->second.end(), p.id), it->second.end());
    m_createdPrompts.erase(p.id);
}

std::string BatchWriter::outputKey(const std::string& conversationId, const std::string& messageId) {
    return conversationId + '\x1f' + messageId;
}

bool BatchWriter::sameBody(const std::string& id, const std::string& body) {
    auto held = m_heldPromptIdx.find(id);
    if (held != m_heldPromptIdx.end()) return m_heldPrompts[held->second].body == body;
    return m_vault.promptBodyIs(id, body);
}

} // namespace pv::capture
