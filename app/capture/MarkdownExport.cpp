#include "MarkdownExport.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>

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

using FileNameFn = std::function<std::string(const std::string& id, const std::string& title)>;

std::string render(Store& store, const Prompt& p, Names& names, const FileNameFn& fileName) {
    std::vector<Output> outputs;
    for (const auto& id : store.liveOutputIdsOf(p.id))
        if (auto o = store.getOutput(id)) outputs.push_back(std::move(*o));
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
    if (parent) md << "derived_from: " << yamlQuote("[[" + fileStem(fileName(parent->id, parent->title)) + "]]") << "\n";
    md << "model: " << yamlList({models.begin(), models.end()}) << "\n";
    md << "agent: " << yamlList({agents.begin(), agents.end()}) << "\n";
    md << "tags: " << yamlList({tags.begin(), tags.end()}) << "\n";
    md << "outputs: " << outputs.size() << "\n";
    md << "---\n\n";
    md << "# " << (p.title.empty() ? std::string("Untitled prompt") : p.title) << "\n\n";
    if (parent) md << "Iteration of [[" << fileStem(fileName(parent->id, parent->title)) << "]]\n\n";
    auto iterations = store.iterationsOf(p.id);
    md << "## Prompt\n\n" << p.body << "\n\n";
    if (!p.notes.empty()) md << "### Prompt notes\n\n" << p.notes << "\n\n";
    bool anyIteration = false;
    for (const auto& it : iterations) {
        if (it.deleted()) continue;
        if (!anyIteration) md << "### Iterations\n\n";
        anyIteration = true;
        md << "- [[" << fileStem(fileName(it.id, it.title)) << "]]\n";
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

// The export folder, opened once: every file is read and written relative to it (openat), never
// following a symbolic link, so nothing is written outside it whatever the folder holds.
class OutDir {
public:
    explicit OutDir(const std::string& path) : m_path(path) {
        m_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m_fd < 0) throw std::runtime_error("export markdown: cannot open folder '" + path + "': " + std::strerror(errno));
    }
    ~OutDir() {
        if (m_fd >= 0) ::close(m_fd);
    }
    OutDir(const OutDir&) = delete;
    OutDir& operator=(const OutDir&) = delete;

    // The file's bytes; nullopt when it is missing, not a regular file, or a symbolic link.
    std::optional<std::string> read(const std::string& name, size_t limit = SIZE_MAX) const {
        Fd f{::openat(m_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
        if (f.fd < 0) return std::nullopt;
        struct stat st {};
        if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
        std::string out;
        char buf[65536];
        for (ssize_t got; out.size() < limit && (got = ::read(f.fd, buf, sizeof buf)) != 0;) {
            if (got < 0) {
                if (errno == EINTR) continue;
                return std::nullopt;
            }
            out.append(buf, static_cast<size_t>(got));
        }
        return out;
    }
    bool exists(const std::string& name) const {
        struct stat st {};
        return ::fstatat(m_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    }
    // Writes a new file under a name no one else uses (O_EXCL | O_NOFOLLOW), then renames it over
    // `name`: a symbolic link standing at `name` is replaced, never followed.
    void write(const std::string& name, const std::string& content) {
        std::string tmp;
        Fd f{-1};
        for (int attempt = 0; f.fd < 0; ++attempt) {
            tmp = ".promptvault-" + std::to_string(::getpid()) + "-" + std::to_string(m_rng()) + ".tmp";
            f.fd = ::openat(m_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (f.fd < 0 && (errno != EEXIST || attempt > 100))
                throw std::runtime_error("export markdown: cannot write in '" + m_path + "': " + std::strerror(errno));
        }
        size_t done = 0;
        while (done < content.size()) {
            ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const std::string why = std::strerror(errno);
                ::unlinkat(m_fd, tmp.c_str(), 0);
                throw std::runtime_error("export markdown: writing '" + name + "' in '" + m_path + "' failed: " + why);
            }
            done += static_cast<size_t>(n);
        }
        if (::close(std::exchange(f.fd, -1)) != 0 || ::renameat(m_fd, tmp.c_str(), m_fd, name.c_str()) != 0) {
            const std::string why = std::strerror(errno);
            ::unlinkat(m_fd, tmp.c_str(), 0);
            throw std::runtime_error("export markdown: cannot write '" + name + "' in '" + m_path + "': " + why);
        }
    }
    void remove(const std::string& name) { ::unlinkat(m_fd, name.c_str(), 0); }

private:
    struct Fd {
        int fd;
        ~Fd() {
            if (fd >= 0) ::close(fd);
        }
    };
    std::string m_path;
    int m_fd = -1;
    std::mt19937_64 m_rng{std::random_device{}()};
};

void writeIfChanged(OutDir& dir, const std::string& name, const std::string& content, MarkdownReport& report) {
    if (auto old = dir.read(name, content.size() + 1); old && *old == content) {
        ++report.unchanged;
        return;
    }
    dir.write(name, content);
    ++report.written;
}

// The manifest: which file this exporter wrote for which prompt, and how many characters of the
// id its name carries (8, more only where a name clashed; decided once and kept).
constexpr const char* kManifest = ".promptvault-export";
struct ManifestEntry {
    std::string name;
    size_t suffix = 8;
};

std::string foldCase(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string safeTitle(const std::string& title) {
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
    return safe;
}

std::string nameWithSuffix(const std::string& promptId, const std::string& title, size_t suffix) {
    std::string tail = promptId.size() >= suffix ? promptId.substr(promptId.size() - suffix) : promptId;
    return safeTitle(title) + " " + tail + ".md";
}

} // namespace

std::string markdownFileName(const std::string& promptId, const std::string& title) { return nameWithSuffix(promptId, title, 8); }

std::string promptMarkdown(Store& store, const std::string& promptId) {
    auto p = store.getPrompt(promptId);
    if (!p) throw std::runtime_error("prompt '" + promptId + "' does not exist");
    Names names(store);
    return render(store, *p, names, markdownFileName);
}

MarkdownReport exportMarkdown(Store& store, const std::string& outDir, const MarkdownProgressFn& progress,
                              const std::atomic<bool>* cancel) {
    MarkdownReport report;
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir, ec)) throw std::runtime_error("export markdown: '" + outDir + "' is not a folder and cannot be created");
    OutDir dir(outDir);

    // What earlier exports wrote (the manifest), and the live prompts' titles.
    std::map<std::string, ManifestEntry> manifest;  // prompt id -> its file
    if (auto text = dir.read(kManifest)) {
        std::istringstream in(*text);
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || line[0] == '#') continue;
            auto t1 = line.find('\t'), t2 = line.find('\t', t1 == std::string::npos ? t1 : t1 + 1);
            if (t1 == std::string::npos || t2 == std::string::npos) continue;
            ManifestEntry e;
            e.suffix = static_cast<size_t>(std::strtoul(line.c_str() + t1 + 1, nullptr, 10));
            e.name = line.substr(t2 + 1);
            if (e.name.empty() || e.name.find('/') != std::string::npos || e.name[0] == '.' || e.suffix < 8) continue;
            manifest[line.substr(0, t1)] = e;
        }
    }
    const std::vector<std::pair<std::string, std::string>> live = store.livePromptTitles();  // id, title (ids and titles only)
    // Each live prompt's name: kept from the manifest when its title is unchanged; otherwise its
    // kept suffix length, lengthened only while the name is taken (by another prompt's file in the
    // manifest, or by a file this exporter did not write).
    std::unordered_map<std::string, std::string> taken;  // folded name -> prompt id
    for (const auto& [id, e] : manifest) taken.emplace(foldCase(e.name), id);
    auto ownedLegacy = [&](const std::string& name, const std::string& id) {
        // Exports before the manifest: a file of that name whose front matter names this prompt.
        auto head = dir.read(name, 4096);
        return head && head->compare(0, 4, "---\n") == 0 && head->find("\nid: " + id + "\n") != std::string::npos;
    };
    std::unordered_map<std::string, ManifestEntry> chosen;
    std::vector<std::string> previous;  // files of earlier exports to remove once their prompt has its new one
    for (const auto& [id, title] : live) {
        auto old = manifest.find(id);
        size_t suffix = old != manifest.end() ? old->second.suffix : 8;
        std::string name;
        bool clash = false;
        for (;;) {
            name = nameWithSuffix(id, title, suffix);
            auto t = taken.find(foldCase(name));
            const bool free = t != taken.end() ? t->second == id : (!dir.exists(name) || ownedLegacy(name, id));
            if (free) break;
            if (suffix >= id.size()) {
                clash = true;  // even the whole id clashes: never overwrite what is not ours
                break;
            }
            suffix = std::min(suffix + 4, id.size());
        }
        if (clash) {
            report.conflicts.push_back(name);
            continue;
        }
        if (old != manifest.end() && old->second.name != name) {
            auto t = taken.find(foldCase(old->second.name));
            if (t != taken.end() && t->second == id) taken.erase(t);
        }
        taken[foldCase(name)] = id;
        if (old != manifest.end() && old->second.name != name) previous.push_back(old->second.name);
        chosen[id] = {name, suffix};
        manifest[id] = {name, suffix};
    }
    // The manifest is saved before any file is written: a file named in it is one this exporter wrote
    // or is about to write; one it no longer names (renamed prompt) is removed only after.
    {
        std::string text = "# promptvault export markdown: prompt id, id characters in the name, file (do not edit)\n";
        for (const auto& [id, e] : manifest) text += id + "\t" + std::to_string(e.suffix) + "\t" + e.name + "\n";
        writeIfChanged(dir, kManifest, text, report);
        // The manifest is not an exported file.
        if (report.written) --report.written;
        else --report.unchanged;
    }
    auto fileName = [&](const std::string& id, const std::string& title) {
        auto it = chosen.find(id);
        if (it != chosen.end()) return it->second.name;
        auto m = manifest.find(id);
        return m != manifest.end() ? m->second.name : markdownFileName(id, title);
    };

    MarkdownProgress prog;
    prog.total = static_cast<int64_t>(live.size());
    Names names(store);
    for (const auto& [id, title] : live) {
        if (cancel && cancel->load()) {
            report.cancelled = true;
            return report;
        }
        auto c = chosen.find(id);
        auto p = store.getPrompt(id);
        if (c == chosen.end() || !p) continue;
        std::string text = render(store, *p, names, fileName);
        report.outputs += store.liveOutputCountOf(id);
        writeIfChanged(dir, c->second.name, text, report);
        ++prog.done;
        if (progress) progress(prog);
    }
    // Files of renamed prompts: written by this exporter (the manifest named them), now unnamed.
    for (const auto& name : previous)
        if (!taken.count(foldCase(name))) dir.remove(name);
    return report;
}

} // namespace pv::capture
