#include "MarkdownExport.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace fs = std::filesystem;

namespace pv::capture {

namespace {

// YAML double-quoted scalar.
std::string yamlQuote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string yamlList(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + yamlQuote(items[i]);
    return out + "]";
}

// Obsidian tags: no spaces, no '#'.
std::string tagName(const std::string& t) {
    std::string out;
    for (char c : t) out += (c == ' ' || c == '#' || c == ',') ? '-' : c;
    return out;
}

std::string stars(int64_t r) {
    std::string s;
    for (int i = 1; i <= 5; ++i) s += i <= r ? "\xE2\x98\x85" : "\xE2\x98\x86";  // ★ ☆
    return s;
}

std::string fileStem(const std::string& name) {
    return name.size() > 3 ? name.substr(0, name.size() - 3) : name;
}

class Names {
public:
    explicit Names(Store& s) : m_store(s) {}
    std::string model(const std::optional<std::string>& id) { return name(id, m_models, [&](const std::string& i) {
        auto m = m_store.getModel(i); return m ? m->name : std::string(); }); }
    std::string agent(const std::optional<std::string>& id) { return name(id, m_agents, [&](const std::string& i) {
        auto a = m_store.getAgent(i); return a ? a->name : std::string(); }); }

private:
    template <class F>
    std::string name(const std::optional<std::string>& id, std::unordered_map<std::string, std::string>& cache, F get) {
        if (!id) return {};
        auto it = cache.find(*id);
        if (it != cache.end()) return it->second;
        return cache[*id] = get(*id);
    }
    Store& m_store;
    std::unordered_map<std::string, std::string> m_models, m_agents;
};

std::string render(Store& store, const Prompt& p, Names& names) {
    std::vector<Output> outputs;
    {
        auto& s = store.db().cached("SELECT id FROM outputs WHERE prompt_id = ? AND deleted_at IS NULL ORDER BY captured_at, id");
        std::vector<std::string> ids;
        {
            sql::StmtUse use(s);
            s.bind(1, p.id);
            while (s.step()) ids.push_back(s.getText(0));
        }
        for (const auto& id : ids)
            if (auto o = store.getOutput(id)) outputs.push_back(std::move(*o));
    }
    // Edited outputs first: they are the versions the person made better.
    std::stable_sort(outputs.begin(), outputs.end(), [](const Output& a, const Output& b) { return a.outputEdited.has_value() > b.outputEdited.has_value(); });

    std::set<std::string> models, agents, tags;
    for (const auto& t : store.tagsOf(Kind::Prompt, p.id)) tags.insert(tagName(t.name));
    std::vector<std::vector<std::string>> outputTags;
    for (const auto& o : outputs) {
        if (auto m = names.model(o.modelId); !m.empty()) models.insert(m);
        if (auto a = names.agent(o.agentId); !a.empty()) agents.insert(a);
        std::vector<std::string> ot;
        for (const auto& t : store.tagsOf(Kind::Output, o.id)) {
            tags.insert(tagName(t.name));
            ot.push_back(tagName(t.name));
        }
        outputTags.push_back(std::move(ot));
    }

    std::ostringstream md;
    md << "---\n";
    md << "title: " << yamlQuote(p.title) << "\n";
    md << "id: " << p.id << "\n";
    md << "created: " << p.createdAt << "\n";
    md << "updated: " << p.updatedAt << "\n";
    std::optional<Prompt> parent;
    if (p.derivedFromId) parent = store.getPrompt(*p.derivedFromId);
    if (parent) md << "derived_from: " << yamlQuote("[[" + fileStem(markdownFileName(parent->id, parent->title)) + "]]") << "\n";
    md << "model: " << yamlList({models.begin(), models.end()}) << "\n";
    md << "agent: " << yamlList({agents.begin(), agents.end()}) << "\n";
    md << "tags: " << yamlList({tags.begin(), tags.end()}) << "\n";
    md << "outputs: " << outputs.size() << "\n";
    md << "---\n\n";
    md << "# " << (p.title.empty() ? std::string("Untitled prompt") : p.title) << "\n\n";
    if (parent) md << "Iteration of [[" << fileStem(markdownFileName(parent->id, parent->title)) << "]]\n\n";
    auto iterations = store.iterationsOf(p.id);
    md << "## Prompt\n\n" << p.body << "\n\n";
    if (!p.notes.empty()) md << "### Prompt notes\n\n" << p.notes << "\n\n";
    bool anyIteration = false;
    for (const auto& it : iterations) {
        if (it.deleted()) continue;
        if (!anyIteration) md << "### Iterations\n\n";
        anyIteration = true;
        md << "- [[" << fileStem(markdownFileName(it.id, it.title)) << "]]\n";
    }
    if (anyIteration) md << "\n";

    md << "## Outputs\n\n";
    if (outputs.empty()) md << "_No outputs yet._\n";
    for (size_t i = 0; i < outputs.size(); ++i) {
        const Output& o = outputs[i];
        md << "### Output " << (i + 1);
        std::string model = names.model(o.modelId), agent = names.agent(o.agentId);
        if (!model.empty()) md << " \xC2\xB7 " << model;  // ·
        if (!agent.empty()) md << " \xC2\xB7 " << agent;
        if (o.outputEdited) md << " \xC2\xB7 edited";
        md << "\n\n";
        md << "- captured: " << o.capturedAt << "\n";
        if (o.rating) md << "- rating: " << stars(*o.rating) << " (" << *o.rating << "/5)\n";
        if (!o.source.empty() && o.source != "manual") {
            md << "- source: " << o.source;
            if (!o.conversationTitle.empty() || !o.conversationUrl.empty()) {
                std::string label = o.conversationTitle.empty() ? o.conversationId : o.conversationTitle;
                if (!o.conversationUrl.empty()) md << ", [" << label << "](" << o.conversationUrl << ")";
                else md << ", " << label;
            }
            md << "\n";
        }
        if (!outputTags[i].empty()) {
            md << "- tags:";
            for (const auto& t : outputTags[i]) md << " #" << t;
            md << "\n";
        }
        md << "- id: " << o.id << "\n\n";
        if (o.outputEdited) {
            md << "**Edited version** (preferred):\n\n" << *o.outputEdited << "\n\n";
            md << "<details><summary>Original output</summary>\n\n" << o.output << "\n\n</details>\n\n";
        } else {
            md << o.output << "\n\n";
        }
        if (!o.notes.empty()) md << "<details><summary>Notes</summary>\n\n" << o.notes << "\n\n</details>\n\n";
    }
    return md.str();
}

void writeIfChanged(const fs::path& path, const std::string& content, MarkdownReport& report) {
    {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (old == content) {
                ++report.unchanged;
                return;
            }
        }
    }
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("export markdown: cannot write '" + tmp.string() + "'");
        out << content;
        out.close();
        if (!out) throw std::runtime_error("export markdown: writing '" + tmp.string() + "' failed (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("export markdown: cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + ec.message());
    ++report.written;
}

} // namespace

std::string markdownFileName(const std::string& promptId, const std::string& title) {
    // Characters Obsidian, Windows or git dislike in a file name become spaces; runs collapse.
    std::string safe;
    for (unsigned char c : title) {
        bool bad = c < 0x20 || c == 0x7f || std::string_view("*\"\\/<>:|?#^[]%").find(static_cast<char>(c)) != std::string_view::npos;
        char ch = bad ? ' ' : static_cast<char>(c);
        if (ch == ' ' && (safe.empty() || safe.back() == ' ')) continue;
        safe += ch;
    }
    while (!safe.empty() && (safe.back() == ' ' || safe.back() == '.')) safe.pop_back();
    while (!safe.empty() && safe.front() == '.') safe.erase(0, 1);
    if (safe.size() > 80) {
        size_t cut = 80;
        while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
        safe.resize(cut);
        while (!safe.empty() && (safe.back() == ' ' || safe.back() == '.')) safe.pop_back();
    }
    if (safe.empty()) safe = "Untitled";
    std::string suffix = promptId.size() >= 8 ? promptId.substr(promptId.size() - 8) : promptId;
    return safe + " " + suffix + ".md";
}

std::string promptMarkdown(Store& store, const std::string& promptId) {
    auto p = store.getPrompt(promptId);
    if (!p) throw std::runtime_error("prompt '" + promptId + "' does not exist");
    Names names(store);
    return render(store, *p, names);
}

MarkdownReport exportMarkdown(Store& store, const std::string& outDir, const MarkdownProgressFn& progress,
                              const std::atomic<bool>* cancel) {
    MarkdownReport report;
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir, ec)) throw std::runtime_error("export markdown: '" + outDir + "' is not a folder and cannot be created");

    // Files this exporter wrote before, by id suffix: a renamed prompt's old file is replaced.
    std::unordered_map<std::string, std::vector<fs::path>> bySuffix;
    for (auto it = fs::directory_iterator(outDir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string n = it->path().filename().string();
        if (n.size() > 12 && n.compare(n.size() - 3, 3, ".md") == 0 && n[n.size() - 12] == ' ')
            bySuffix[n.substr(n.size() - 11, 8)].push_back(it->path());
    }

    MarkdownProgress prog;
    prog.total = store.db().queryInt("SELECT count(*) FROM prompts WHERE deleted_at IS NULL");
    Names names(store);
    std::string after;
    // Keyset pages by id: never the whole table in memory.
    while (true) {
        std::vector<std::string> ids;
        {
            auto& s = store.db().cached("SELECT id FROM prompts WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT 200");
            sql::StmtUse use(s);
            s.bind(1, after);
            while (s.step()) ids.push_back(s.getText(0));
        }
        if (ids.empty()) break;
        after = ids.back();
        for (const auto& id : ids) {
            if (cancel && cancel->load()) {
                report.cancelled = true;
                return report;
            }
            auto p = store.getPrompt(id);
            if (!p) continue;
            std::string name = markdownFileName(p->id, p->title);
            std::string text = render(store, *p, names);
            {
                auto& c = store.db().cached("SELECT count(*) FROM outputs WHERE deleted_at IS NULL AND prompt_id = ?");
                sql::StmtUse use(c);
                c.bind(1, id);
                if (c.step()) report.outputs += c.getInt(0);
            }
            fs::path path = fs::path(outDir) / name;
            writeIfChanged(path, text, report);
            auto old = bySuffix.find(name.substr(name.size() - 11, 8));
            if (old != bySuffix.end())
                for (const auto& f : old->second)
                    if (f.filename() != name) fs::remove(f, ec);
            ++prog.done;
            if (progress) progress(prog);
        }
    }
    return report;
}

} // namespace pv::capture
