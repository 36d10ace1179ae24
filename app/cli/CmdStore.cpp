// add output, export json, stats: the commands that need only the store.
#include "Cli.hpp"
#include "Language.hpp"
#include "Store.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pv::cli {

namespace {

std::string readAll(std::istream& in) { return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()); }

std::vector<std::string> splitCommas(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, ',')) {
        auto b = cur.find_first_not_of(" \t");
        auto e = cur.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    }
    return out;
}

// --rating: a whole number 1..5 and nothing else ("3.5", "3x" and "" are refused).
std::optional<int64_t> parseRating(const std::string& s) {
    if (s.size() != 1 || s[0] < '1' || s[0] > '5') return std::nullopt;
    return s[0] - '0';
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
int64_t daysFromCivil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// --captured-at: ISO-8601 "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+HH:MM"/"-HH:MM"
// (none = UTC), as the vault stores every *_at: UTC with milliseconds. nullopt when it is not one.
std::optional<std::string> parseCapturedAt(const std::string& s) {
    size_t i = 0;
    auto num = [&](size_t digits, int& out) {
        if (i + digits > s.size()) return false;
        out = 0;
        for (size_t k = 0; k < digits; ++k) {
            char c = s[i + k];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        i += digits;
        return true;
    };
    auto lit = [&](char c) {
        if (i < s.size() && s[i] == c) return ++i, true;
        return false;
    };
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    if (!num(4, y) || !lit('-') || !num(2, mo) || !lit('-') || !num(2, d)) return std::nullopt;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && isLeap(y))) return std::nullopt;
    int64_t offsetMin = 0;
    if (i < s.size()) {
        if (!(lit('T') || lit(' '))) return std::nullopt;
        if (!num(2, h) || !lit(':') || !num(2, mi)) return std::nullopt;
        if (lit(':')) {
            if (!num(2, sec)) return std::nullopt;
            if (lit('.')) {
                size_t start = i, digits = 0;
                int frac = 0;
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                    if (digits < 3) frac = frac * 10 + (s[i] - '0');
                    ++digits, ++i;
                }
                if (i == start) return std::nullopt;
                for (size_t k = digits; k < 3; ++k) frac *= 10;
                ms = frac;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
        if (lit('Z')) {
        } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            const int sign = s[i] == '-' ? -1 : 1;
            ++i;
            int oh, om;
            if (!num(2, oh) || !lit(':') || !num(2, om) || oh > 23 || om > 59) return std::nullopt;
            offsetMin = sign * (oh * 60 + om);
        }
        if (i != s.size()) return std::nullopt;
    }
    int64_t t = (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offsetMin * 60) * 1000 + ms;
    const int64_t days = (t >= 0 ? t : t - 86399999) / 86400000;
    int64_t rest = t - days * 86400000;
    // Back to a civil date (inverse of daysFromCivil).
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    const int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    const int64_t yy = yoe + era * 400 + (mm <= 2);
    if (yy < 0 || yy > 9999) return std::nullopt;
    char buf[96];  // room for any int64 the format could be given (GCC checks it)
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(yy), static_cast<long long>(mm),
                  static_cast<long long>(dd), static_cast<long long>(rest / 3600000), static_cast<long long>(rest / 60000 % 60),
                  static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
    return std::string(buf);
}

const char* kAddHelp =
    "usage: promptvault [--vault FILE] add output [options]\n"
    "Captures one output. Missing prompt, model, agent and tags are created.\n"
    "  --text TEXT            the output text\n"
    "  --stdin                read the output text from standard input\n"
    "  --file PATH            read the output text from a file\n"
    "  --prompt TEXT          the prompt's text (an existing prompt with the same text is reused)\n"
    "  --prompt-title TITLE   the prompt's title (reused by title when no --prompt text)\n"
    "  --prompt-id ID         attach to an existing prompt\n"
    "  --model NAME           model (e.g. gpt-4o); --provider NAME for a new one\n"
    "  --agent NAME           custom GPT / Claude project\n"
    "  --tag NAME             a tag (repeatable); --tags a,b,c also works\n"
    "  --edited TEXT          your corrected version (output_edited)\n"
    "  --rating N             a whole number 1..5\n"
    "  --captured-at TIME     ISO-8601: 2026-12-04, 2026-12-04T17:25:00Z or with +HH:MM (no zone = UTC)\n"
    "  --notes TEXT, --source NAME, --conversation-id ID, --conversation-url URL\n"
    "  --language CODE        the text's language ('en', 'pt-br'; '' for not known); guessed when not given\n"
    "Prints the new output's id. Exit status: 0 stored; 1 the vault refused it or failed (nothing\n"
    "stored); 2 bad arguments (the message says which; nothing stored).\n";

} // namespace

int cmdAdd(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << kAddHelp;
        return 0;
    }
    auto pos = a.positionals();
    if (pos.empty() || pos[0] != "output") {
        std::cerr << "promptvault add: expected 'add output' (see add --help)\n";
        return 2;
    }
    Output o;
    int sources = 0;
    if (auto t = a.value("--text")) o.output = *t, ++sources;
    if (a.flag("--stdin")) o.output = readAll(std::cin), ++sources;
    if (auto f = a.value("--file")) {
        std::ifstream in(*f, std::ios::binary);
        if (!in) {
            std::cerr << "promptvault add: cannot read --file '" << *f << "'\n";
            return 1;
        }
        o.output = readAll(in), ++sources;
    }
    if (sources > 1) {
        std::cerr << "promptvault add: give the output text once (--text, --stdin or --file)\n";
        return 2;
    }
    auto promptText = a.value("--prompt");
    auto promptTitle = a.value("--prompt-title");
    auto promptId = a.value("--prompt-id");
    auto model = a.value("--model");
    auto provider = a.value("--provider");
    auto agent = a.value("--agent");
    auto tags = a.values("--tag");
    for (const auto& t : a.values("--tags"))
        for (auto& x : splitCommas(t)) tags.push_back(x);
    o.outputEdited = a.value("--edited");
    if (auto r = a.value("--rating")) {
        auto rating = parseRating(*r);
        if (!rating) {
            std::cerr << "promptvault add: --rating must be a whole number 1..5, got '" << *r << "'\n";
            return 2;
        }
        o.rating = *rating;
    }
    o.notes = a.value("--notes").value_or("");
    o.source = a.value("--source").value_or("cli");
    o.conversationId = a.value("--conversation-id").value_or("");
    o.conversationUrl = a.value("--conversation-url").value_or("");
    const auto lang = a.value("--language");
    if (lang) {
        if (!lang->empty() && !isLanguageCode(*lang)) {
            std::cerr << "promptvault add: --language must be a language code such as 'en' or 'pt-br', got '" << *lang << "'\n";
            return 2;
        }
        o.language = *lang;
    }
    if (auto at = a.value("--captured-at")) {
        auto iso = parseCapturedAt(*at);
        if (!iso) {
            std::cerr << "promptvault add: --captured-at must be an ISO-8601 date or time such as 2026-12-04 or "
                         "2026-12-04T17:25:00Z (+HH:MM for another zone), got '"
                      << *at << "'\n";
            return 2;
        }
        o.capturedAt = *iso;
    }
    a.requireConsumed();
    if (o.output.empty()) {
        std::cerr << "promptvault add: no output text (use --text, --stdin or --file)\n";
        return 2;
    }
    if (!lang) o.language = detectLanguage(o.outputEdited.value_or(o.output));

    Store store(vault);
    std::string id;
    store.transaction([&] {
        if (promptId) {
            auto p = store.getPrompt(*promptId);
            if (!p) throw StoreError("--prompt-id '" + *promptId + "' does not exist");
            if (p->deleted()) throw StoreError("--prompt-id '" + *promptId + "' is a deleted prompt (restore it first, or give another)");
            o.promptId = *promptId;
        } else if (promptText || promptTitle) {
            o.promptId = store.findOrCreatePrompt(promptTitle.value_or(""), promptText.value_or("")).id;
        }
        if (model) o.modelId = store.findOrCreateModel(*model, provider.value_or("")).id;
        if (agent) o.agentId = store.findOrCreateAgent(*agent).id;
        id = store.createOutput(o).id;
        for (const auto& t : tags) store.linkTag(Kind::Output, id, store.findOrCreateTag(t).id);
    });
    std::cout << id << "\n";
    return 0;
}

int cmdExport(const std::string& vault, const std::vector<std::string>& argv) {
    if (!argv.empty() && argv[0] == "markdown") return cmdExportMarkdown(vault, {argv.begin() + 1, argv.end()});
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << "usage: promptvault [--vault FILE] export json [--out FILE]\n"
                     "Every table as {\"table\": [rows sorted by id]}, tombstones included; stdout unless --out.\n"
                     "       promptvault [--vault FILE] export markdown --help   (one Markdown file per prompt)\n";
        return 0;
    }
    auto out = a.value("--out");
    auto pos = a.positionals();
    a.requireConsumed();
    if (pos.empty() || pos[0] != "json") {
        std::cerr << "promptvault export: expected 'export json' (markdown: see export --help)\n";
        return 2;
    }
    Store store(vault, {.readOnly = false, .create = false});
    if (out) {
        std::string tmp = *out + ".tmp";
        {
            std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
            if (!f) {
                std::cerr << "promptvault export: cannot write '" << *out << "'\n";
                return 1;
            }
            store.exportJson(f);
            if (!f.flush()) {
                std::cerr << "promptvault export: write to '" << tmp << "' failed\n";
                return 1;
            }
        }
        if (std::rename(tmp.c_str(), out->c_str()) != 0) {
            std::cerr << "promptvault export: cannot move '" << tmp << "' to '" << *out << "'\n";
            return 1;
        }
    } else {
        store.exportJson(std::cout);
    }
    return 0;
}

int cmdStats(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << "usage: promptvault [--vault FILE] stats\nLive rows per table, and local changes waiting to sync.\n";
        return 0;
    }
    a.requireConsumed();
    Store store(vault, {.readOnly = false, .create = false});
    for (const auto& [table, n] : store.counts()) std::cout << table << "\t" << n << "\n";
    std::cout << "pending_changes\t" << store.pendingChanges() << "\n";
    std::cout << "set_aside_changes\t" << store.db().queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'") << "\n";
    std::cout << "schema_version\t" << store.schemaVersion() << "\n";
    std::cout << "device_id\t" << store.deviceId() << "\n";
    return 0;
}

} // namespace pv::cli
