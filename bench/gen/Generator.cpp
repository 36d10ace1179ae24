#include "Generator.hpp"
#include "StoreInternals.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <unordered_set>

namespace pv::gen {

namespace {

// Frequent words first: they get the top Zipf ranks, like real prose about code and LLMs.
const char* const kCommonWords[] = {
    "the", "of", "and", "to", "a", "in", "is", "it", "that", "for", "you", "with", "on", "as", "this", "are", "be", "can",
    "data", "function", "model", "prompt", "output", "value", "user", "file", "code", "example", "use", "table", "query",
    "result", "error", "test", "string", "list", "return", "time", "step", "will", "from", "by", "an", "or", "not", "if",
    "each", "when", "which", "should", "more", "also", "then", "we", "your", "have", "all", "one", "new", "first", "type",
    "class", "method", "server", "client", "request", "response", "api", "json", "field", "index", "search", "cache",
    "memory", "thread", "process", "config", "build", "deploy", "version", "change", "update", "delete", "insert", "select",
    "summary", "explain", "answer", "question", "context", "token", "embedding", "vector", "agent", "tool", "system",
    "design", "pattern", "review", "bug", "fix", "performance", "latency", "throughput", "database", "schema", "migration",
    "sync", "conflict", "replica", "clock", "network", "offline", "local", "remote", "branch", "commit", "merge",
    "library", "module", "package", "dependency", "interface", "struct", "pointer", "reference", "template", "lambda",
    "python", "rust", "sql", "javascript", "typescript", "docker", "kubernetes", "linux", "shell", "script", "parser",
    "compiler", "runtime", "benchmark", "metric", "report", "customer", "invoice", "marketing", "email", "draft", "tone",
    "translate", "rewrite", "outline", "paragraph", "bullet", "section", "heading", "table", "chart", "plan", "goal",
};

// Non-ASCII words, mixed in at mid ranks: accents (folded by the FTS tokenizer), Cyrillic, Greek, CJK.
const char* const kForeignWords[] = {
    "café", "naïve", "façade", "résumé", "über", "straße", "größe", "déjà", "año", "señal", "coöperate", "fiancée",
    "données", "qualité", "müller", "jalapeño", "zürich", "crème", "данные", "запрос", "модель", "ответ", "λόγος",
    "δεδομένα", "データ", "検索", "模型", "数据", "提示", "질문", "naïveté", "smörgåsbord", "ångström", "piñata",
};

const char* const kOnsets[] = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
                               "br", "cl", "st", "tr", "ch", "sh", "th", "pl", "gr", "fr", "sp", "qu"};
const char* const kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee", "y"};
const char* const kCodas[] = {"", "", "", "n", "r", "s", "t", "l", "nd", "st", "ck", "m", "x", "rt", "ng"};
const char* const kAccented[] = {"é", "ü", "ö", "à", "ñ", "ç", "ø", "å"};

template <class T, size_t N>
const T& pickOf(const T (&arr)[N], std::mt19937_64& rng) {
    return arr[rng() % N];
}

// CPU time of the calling thread: on a box shared with other jobs, wall time mostly measures the queue.
double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); }

int between(std::mt19937_64& rng, int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1)); }

std::string lowerAscii(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

void capitalise(std::string& s, size_t at) {
    if (at < s.size() && s[at] >= 'a' && s[at] <= 'z') s[at] = static_cast<char>(s[at] - 'a' + 'A');
}

// Cut s to at most n bytes at a space, never inside a UTF-8 sequence.
void cutAt(std::string& s, size_t n) {
    if (s.size() <= n) return;
    size_t cut = s.rfind(' ', n);
    if (cut == std::string::npos || cut < n / 2) {
        cut = n;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    }
    s.resize(cut);
}

} // namespace

// ---- helpers -----------------------------------------------------------------------------------

std::vector<double> zipfCdf(size_t n, double s) {
    std::vector<double> cdf(n);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) cdf[i] = (sum += 1.0 / std::pow(static_cast<double>(i + 1), s));
    for (auto& c : cdf) c /= sum;
    return cdf;
}

size_t pickCdf(const std::vector<double>& cdf, double u) {
    auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    return it == cdf.end() ? cdf.size() - 1 : static_cast<size_t>(it - cdf.begin());
}

std::string isoFromMs(int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

int64_t msFromIso(const std::string& iso) {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
        throw std::runtime_error("not an ISO-8601 UTC time: '" + iso + "'");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string uuidV7At(int64_t ms, std::mt19937_64& rng) {
    uint64_t r1 = rng(), r2 = rng();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-7%03x-%04x-%012llx", static_cast<unsigned>(static_cast<uint64_t>(ms) >> 16),
                  static_cast<unsigned>(ms & 0xFFFF), static_cast<unsigned>(r1 & 0xFFF),
                  static_cast<unsigned>(0x8000 | ((r1 >> 12) & 0x3FFF)), static_cast<unsigned long long>(r2 & 0xFFFFFFFFFFFFULL));
    return buf;
}

// ---- text --------------------------------------------------------------------------------------

TextGen::TextGen(uint64_t seed) : m_rng(seed) {
    std::unordered_set<std::string> seen;
    auto add = [&](const std::string& w) {
        if (seen.insert(w).second) m_words.push_back(w);
    };
    for (const char* w : kCommonWords) add(w);
    // Made-up words from syllables; a few carry an accent; foreign words sprinkled among them.
    std::mt19937_64 vocab(0x5eed ^ seed);
    size_t foreign = 0;
    while (m_words.size() < 30000) {
        std::string w;
        static const int kSyllables[] = {1, 2, 2, 2, 3, 3, 4};
        int syllables = kSyllables[vocab() % std::size(kSyllables)];
        for (int i = 0; i < syllables; ++i) {
            w += pickOf(kOnsets, vocab);
            w += (vocab() % 40 == 0) ? pickOf(kAccented, vocab) : pickOf(kVowels, vocab);
            if (i + 1 == syllables || vocab() % 3 == 0) w += pickOf(kCodas, vocab);
        }
        add(w);
        if (m_words.size() % 200 == 0 && foreign < std::size(kForeignWords)) add(kForeignWords[foreign++]);
    }
    m_cdf = zipfCdf(m_words.size(), 1.05);
}

std::string TextGen::word() { return m_words[pickCdf(m_cdf, unit(m_rng))]; }

void TextGen::sentence(std::string& out, int words) {
    size_t start = out.size();
    for (int i = 0; i < words; ++i) {
        if (i) out += (m_rng() % 14 == 0) ? ", " : " ";
        out += m_words[pickCdf(m_cdf, unit(m_rng))];
    }
    capitalise(out, start);
    out += (m_rng() % 12 == 0) ? "?" : ".";
}

std::string TextGen::title() {
    std::string t;
    int n = between(m_rng, 3, 8);
    for (int i = 0; i < n; ++i) {
        if (i) t += ' ';
        t += word();
    }
    capitalise(t, 0);
    return t;
}

std::string TextGen::text(size_t approxBytes) {
    std::string out;
    out.reserve(approxBytes + 512);
    while (out.size() < approxBytes) {
        if (!out.empty()) out += "\n\n";
        uint64_t kind = m_rng() % 100;
        if (kind < 72) {
            int sentences = between(m_rng, 2, 6);
            for (int i = 0; i < sentences; ++i) {
                if (i) out += ' ';
                sentence(out, between(m_rng, 6, 22));
            }
        } else if (kind < 86) {
            int items = between(m_rng, 3, 6);
            for (int i = 0; i < items; ++i) {
                if (i) out += '\n';
                out += (m_rng() % 2) ? "- " : std::to_string(i + 1) + ". ";
                sentence(out, between(m_rng, 3, 10));
            }
        } else if (kind < 95) {
            out += "```\n";
            int lines = between(m_rng, 2, 8);
            for (int i = 0; i < lines; ++i) {
                out += word() + "_" + word() + " = " + word() + "(" + word() + ", " + std::to_string(m_rng() % 1000) + ");\n";
            }
            out += "```";
        } else {
            out += "## " + title();
        }
    }
    cutAt(out, approxBytes + 400);
    return out;
}

// ---- rows --------------------------------------------------------------------------------------

OutputFactory::OutputFactory(const GenOptions& opt, std::vector<std::string> promptIds, std::vector<std::string> modelIds,
                             std::vector<std::string> agentIds)
    : m_opt(opt), m_text(opt.seed * 7919 + 17), m_prompts(std::move(promptIds)), m_models(std::move(modelIds)),
      m_agents(std::move(agentIds)) {
    if (!m_prompts.empty()) m_promptCdf = zipfCdf(m_prompts.size(), 0.8);
    if (!m_models.empty()) m_modelCdf = zipfCdf(m_models.size(), 1.2);
    if (!m_agents.empty()) m_agentCdf = zipfCdf(m_agents.size(), 1.0);
    int64_t end = msFromIso(opt.capturedUntil);
    m_spanMs = int64_t(2) * 365 * 24 * 3600 * 1000;
    m_startMs = end - m_spanMs;
}

Output OutputFactory::next() {
    auto& rng = m_text.rng();
    Output o;
    // Density grows towards the end of the span (people capture more once the habit sets in).
    int64_t ms = m_startMs + static_cast<int64_t>(std::sqrt(unit(rng)) * static_cast<double>(m_spanMs));
    o.capturedAt = isoFromMs(ms);
    o.id = uuidV7At(ms, rng);
    if (!m_prompts.empty() && rng() % 100 < 97) {
        // Half spread evenly (most prompts get a few outputs), half Zipf (a few prompts are hubs).
        size_t i = (rng() % 2) ? static_cast<size_t>(rng() % m_prompts.size()) : pickCdf(m_promptCdf, unit(rng));
        o.promptId = m_prompts[i];
    }
    if (!m_models.empty() && rng() % 100 < 95) o.modelId = m_models[pickCdf(m_modelCdf, unit(rng))];
    if (!m_agents.empty() && rng() % 100 < 30) o.agentId = m_agents[pickCdf(m_agentCdf, unit(rng))];
    if (rng() % 100 < 40) {
        static const int kRatings[] = {1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5};
        o.rating = kRatings[rng() % std::size(kRatings)];
    }
    uint64_t src = rng() % 100;
    o.source = src < 50 ? "chatgpt" : src < 85 ? "claude" : src < 95 ? "manual" : "clipboard";
    if (src < 85) {
        o.conversationId = uuidV7At(ms - static_cast<int64_t>(rng() % 3600000), rng);
        o.messageId = uuidV7At(ms, rng);
        o.conversationTitle = m_text.title();
        o.conversationUrl = (src < 50 ? "https://chatgpt.com/c/" : "https://claude.ai/chat/") + o.conversationId;
    }
    if (rng() % 100 < 5) o.notes = m_text.text(60);
    // 0.5–8 KB, skewed towards the short end (mean about 3 KB).
    double u = unit(rng);
    size_t len = 500 + static_cast<size_t>(std::pow(u, 1.8) * 7100.0);
    o.output = m_text.text(len);
    if (rng() % 100 < 20) {
        // A person's correction: the answer with its first part rewritten and a note appended.
        std::string edited = m_text.text(120 + rng() % 400);
        size_t keep = o.output.size() / 3;
        size_t cut = o.output.find("\n\n", keep);
        if (cut == std::string::npos) cut = o.output.find(' ', o.output.size() / 2);  // a space: never inside a character
        if (cut != std::string::npos) edited += "\n\n" + o.output.substr(cut + 1);
        cutAt(edited, 8192);
        o.outputEdited = edited;
    }
    return o;
}

// ---- vault ---------------------------------------------------------------------------------------

namespace {

const char* const kModelFamilies[][2] = {
    {"gpt-4o", "openai"}, {"gpt-4o-mini", "openai"}, {"gpt-4.1", "openai"}, {"gpt-4-turbo", "openai"}, {"o1", "openai"},
    {"o3-mini", "openai"}, {"gpt-3.5-turbo", "openai"}, {"claude-3-5-sonnet", "anthropic"}, {"claude-3-opus", "anthropic"},
    {"claude-3-haiku", "anthropic"}, {"claude-sonnet-4", "anthropic"}, {"gemini-1.5-pro", "google"}, {"gemini-2.0-flash", "google"},
    {"llama-3-70b", "meta"}, {"llama-3.1-405b", "meta"}, {"mistral-large", "mistral"}, {"mixtral-8x7b", "mistral"},
    {"deepseek-v3", "deepseek"}, {"qwen-2.5-72b", "alibaba"}, {"command-r-plus", "cohere"},
};
const char* const kAgentAdjectives[] = {"Careful", "Friendly", "Strict", "Senior", "Quick", "Patient", "Creative", "Precise",
                                        "Socratic", "Terse", "Thorough", "Pragmatic", "Curious", "Formal", "Playful", "Skeptical"};
const char* const kAgentNouns[] = {"Code Reviewer", "Tutor", "Copywriter", "Translator", "SQL Helper", "Data Analyst", "Editor",
                                   "Research Assistant", "Product Manager", "Architect", "Debugger", "Email Writer", "Summariser",
                                   "Legal Reader", "Test Writer", "Interviewer", "Coach", "Planner"};
const char* const kTagNames[] = {"python", "sql", "rust", "cpp", "javascript", "writing", "email", "summary", "translation",
                                 "refactor", "debugging", "architecture", "testing", "docs", "marketing", "research", "legal",
                                 "finance", "data", "ml", "devops", "security", "ux", "career", "learning", "planning",
                                 "todo", "favourite", "to-review", "gold", "draft", "ideas", "interview", "api", "performance",
                                 "sync", "postgres", "sqlite", "linux", "kubernetes", "prompt-engineering", "rag", "agents",
                                 "évaluation", "übersetzung", "日本語", "данные"};
const char* const kQaNames[] = {"Checked facts", "Ran the code", "Tone reviewed", "Sources cited", "Edge cases tried", "Peer reviewed"};

class Progress {
public:
    explicit Progress(const GenOptions& o) : m_opt(o) {}
    void operator()(const std::string& phase, int64_t done, int64_t total) const {
        if (m_opt.progress) m_opt.progress(phase, done, total);
    }

private:
    const GenOptions& m_opt;
};

std::string topId(Store& store, const std::string& sqlText) {
    sql::Stmt s = pv::StoreInternals::db(store).prepare(sqlText);
    return s.step() ? s.getText(0) : std::string();
}

} // namespace

GenResult generateVault(Store& store, const GenOptions& opt) {
    auto t0 = std::chrono::steady_clock::now();
    GenResult r;
    Progress progress(opt);
    std::mt19937_64 rng(opt.seed);
    TextGen text(opt.seed);
    const int64_t end = msFromIso(opt.capturedUntil);
    const int64_t span = int64_t(2) * 365 * 24 * 3600 * 1000;
    const int64_t batch = std::max<int64_t>(1, opt.rowsPerTransaction);

    std::vector<std::string> modelIds, agentIds, tagIds, promptIds, qaIds;
    store.transaction([&] {
        std::set<std::string> names;
        for (int64_t i = 0; i < opt.models; ++i) {
            const auto& fam = kModelFamilies[static_cast<size_t>(i) % std::size(kModelFamilies)];
            std::string name = fam[0];
            if (i >= static_cast<int64_t>(std::size(kModelFamilies))) name += "-" + isoFromMs(end - span + i * 86400000LL * 11).substr(0, 10);
            while (!names.insert(lowerAscii(name)).second) name += "-x";
            Model m;
            m.id = uuidV7At(end - span - 1000 + i, rng);
            m.name = name;
            m.provider = fam[1];
            modelIds.push_back(store.createModel(m).id);
        }
        names.clear();
        for (int64_t i = 0; i < opt.agents; ++i) {
            std::string name = std::string(pickOf(kAgentAdjectives, rng)) + " " + pickOf(kAgentNouns, rng);
            while (!names.insert(lowerAscii(name)).second) name += " " + std::to_string(rng() % 100);
            Agent a;
            a.id = uuidV7At(end - span - 500 + i, rng);
            a.name = name;
            a.platform = rng() % 3 ? "chatgpt" : "claude";
            a.url = a.platform == "chatgpt" ? "https://chatgpt.com/g/g-" + std::to_string(rng() % 1000000000) : "";
            if (!modelIds.empty() && rng() % 4) a.defaultModelId = modelIds[rng() % modelIds.size()];
            a.description = text.text(80);
            a.instructions = text.text(200 + rng() % 1200);
            agentIds.push_back(store.createAgent(a).id);
        }
        names.clear();
        for (int64_t i = 0; i < opt.tags; ++i) {
            std::string name = i < static_cast<int64_t>(std::size(kTagNames)) ? kTagNames[i] : text.wordAt(static_cast<size_t>(i) * 7 + 40);
            while (!names.insert(lowerAscii(name)).second) name += "-" + text.wordAt(rng() % 2000);
            Tag t;
            t.id = uuidV7At(end - span - 200 + i, rng);
            t.name = name;
            static const char* const kColours[] = {"", "", "#e06c75", "#98c379", "#61afef", "#c678dd", "#e5c07b"};
            t.color = pickOf(kColours, rng);
            tagIds.push_back(store.createTag(t).id);
        }
        for (int64_t i = 0; i < opt.qaActivities; ++i) {
            QaActivity q;
            q.id = uuidV7At(end - span - 100 + i, rng);
            q.name = i < static_cast<int64_t>(std::size(kQaNames)) ? kQaNames[i] : "Check " + std::to_string(i + 1);
            q.sortOrder = i;
            qaIds.push_back(store.createQaActivity(q).id);
        }
    });
    r.models = opt.models;
    r.agents = opt.agents;
    r.tags = opt.tags;
    progress("lookups", 1, 1);

    // Prompts, oldest first; about one in ten is an iteration of an earlier prompt.
    const int64_t nPrompts = opt.promptCount();
    promptIds.reserve(static_cast<size_t>(nPrompts));
    const auto tagCdf = zipfCdf(std::max<size_t>(1, tagIds.size()), 0.9);
    for (int64_t done = 0; done < nPrompts;) {
        store.transaction([&] {
            for (int64_t k = 0; k < batch && done < nPrompts; ++k, ++done) {
                int64_t ms = end - span + (span * done) / nPrompts;
                Prompt p;
                p.id = uuidV7At(ms, rng);
                p.title = text.title();
                p.body = text.text(100 + rng() % 1900);
                if (!promptIds.empty() && rng() % 10 == 0) {
                    p.derivedFromId = promptIds[promptIds.size() - 1 - rng() % std::min<size_t>(promptIds.size(), 500)];
                    p.title += " (v" + std::to_string(2 + rng() % 4) + ")";
                }
                store.createPrompt(p);
                promptIds.push_back(p.id);
                if (!qaIds.empty() && rng() % 10 == 0)
                    for (const auto& q : qaIds)
                        if (rng() % 2) store.setQaCheck(p.id, q, rng() % 3 != 0, rng() % 4 ? "" : text.title());
            }
        });
        progress("prompts", done, nPrompts);
    }
    r.prompts = nPrompts;

    // Prompt tags: distinct (prompt, tag) pairs, tags Zipf-skewed.
    const int64_t nPromptLinks = tagIds.empty() || promptIds.empty() ? 0 : opt.promptTagLinkCount();
    for (int64_t done = 0; done < nPromptLinks;) {
        std::vector<std::pair<std::string, std::string>> links;
        for (int64_t k = 0; k < batch && done < nPromptLinks; ++k, ++done)
            links.emplace_back(promptIds[rng() % promptIds.size()], tagIds[pickCdf(tagCdf, unit(rng))]);
        store.transaction([&] { store.linkTags(Kind::Prompt, links); });
        progress("prompt tags", done, nPromptLinks);
    }
    r.promptTagLinks = pv::StoreInternals::db(store).queryInt("SELECT count(*) FROM prompt_tags");

    // Outputs with their tag links, one transaction per batch, the way an import would add them.
    OutputFactory factory(opt, promptIds, modelIds, agentIds);
    const double linksPerOutput = opt.outputs > 0 ? static_cast<double>(opt.tagLinkCount()) / static_cast<double>(opt.outputs) : 0;
    std::vector<Output> outs;
    std::vector<std::pair<std::string, std::string>> links;
    double linkCarry = 0;
    // The vault's checkpoints run on a thread of their own: what they cost is charged to the output
    // inserts in full (their CPU, and their wall time outside the timed transactions, as if it had
    // not overlapped the untimed generation between them).
    store.waitForCheckpoints();
    const CheckpointStats checkpointsBefore = store.checkpointStats();
    double checkpointBusyInside = 0;
    for (int64_t done = 0; done < opt.outputs;) {
        outs.clear();
        links.clear();
        for (int64_t k = 0; k < batch && done < opt.outputs; ++k, ++done) {
            Output o = factory.next();
            r.textBytes += static_cast<int64_t>(o.output.size() + (o.outputEdited ? o.outputEdited->size() : 0));
            r.edited += o.outputEdited ? 1 : 0;
            r.rated += o.rating ? 1 : 0;
            // Between 0 and twice the mean tags each, distinct, keeping the total on target.
            linkCarry += linksPerOutput;
            int want = static_cast<int>(linkCarry);
            if (want > 0 && !tagIds.empty()) {
                int n = std::min<int>(static_cast<int>(tagIds.size()), between(rng, 0, 2 * want));
                std::set<size_t> chosen;
                for (int tries = 0; static_cast<int>(chosen.size()) < n && tries < n * 10; ++tries) chosen.insert(pickCdf(tagCdf, unit(rng)));
                for (size_t t : chosen) links.emplace_back(o.id, tagIds[t]);
                linkCarry -= static_cast<double>(chosen.size());
            }
            outs.push_back(std::move(o));
        }
        if (opt.onOutputBatch) opt.onOutputBatch(outs);
        auto ti = std::chrono::steady_clock::now();
        const double ci = threadCpuSeconds(), bi = store.checkpointStats().busySeconds;
        store.transaction([&] { store.createOutputs(outs); });
        r.outputInsertSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - ti).count();
        r.outputInsertCpuSeconds += threadCpuSeconds() - ci;
        checkpointBusyInside += store.checkpointStats().busySeconds - bi;
        store.transaction([&] { store.linkTags(Kind::Output, links); });
        r.tagLinks += static_cast<int64_t>(links.size());
        if (r.sampleOutputId.empty() && !outs.empty()) r.sampleOutputId = outs[outs.size() / 2].id;
        progress("outputs", done, opt.outputs);
    }
    r.outputs = opt.outputs;
    store.waitForCheckpoints();
    const CheckpointStats checkpointsAfter = store.checkpointStats();
    r.outputCheckpointCpuSeconds = checkpointsAfter.cpuSeconds - checkpointsBefore.cpuSeconds;
    r.outputCheckpointPasses = checkpointsAfter.backgroundPasses - checkpointsBefore.backgroundPasses;
    r.outputInlineCheckpoints = checkpointsAfter.inlinePasses - checkpointsBefore.inlinePasses;
    r.outputInsertCpuSeconds += r.outputCheckpointCpuSeconds;
    r.outputInsertSeconds += checkpointsAfter.busySeconds - checkpointsBefore.busySeconds - checkpointBusyInside;

    r.hubPromptId = topId(store, "SELECT prompt_id FROM outputs WHERE prompt_id IS NOT NULL GROUP BY prompt_id ORDER BY count(*) DESC LIMIT 1");
    r.hubTagId = topId(store, "SELECT tag_id FROM output_tags GROUP BY tag_id ORDER BY count(*) DESC LIMIT 1");
    r.hubModelId = topId(store, "SELECT model_id FROM outputs WHERE model_id IS NOT NULL GROUP BY model_id ORDER BY count(*) DESC LIMIT 1");
    r.sampleWord = factory.text().wordAt(600);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace pv::gen
