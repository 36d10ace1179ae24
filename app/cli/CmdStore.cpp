// add output, export json, stats: the commands that need only the store.
#include "Cli.hpp"

#include <CLI/CLI.hpp>
#include "Language.hpp"
#include "Store.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <iostream>
#include <iterator>
#include <memory>
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


struct AddArgs {
    std::optional<std::string> text, file, promptText, promptTitle, promptId, model, provider, agent, edited, rating, capturedAt, language;
    bool fromStdin = false;
    std::vector<std::string> tag, tags;
    std::string notes, source = "cli", conversationId, conversationUrl;
};

// --rating: a whole number 1..5 and nothing else ("3.5", "3x" and "" are refused).
std::string checkRating(std::string& s) {
    return parseRating(s) ? std::string() : "must be a whole number 1..5, got '" + s + "'";
}

std::string checkCapturedAt(std::string& s) {
    return parseCapturedAt(s) ? std::string()
                              : "must be an ISO-8601 date or time such as 2026-12-04 or 2026-12-04T17:25:00Z (+HH:MM for another zone), got '" +
                                    s + "'";
}

std::string checkLanguage(std::string& s) {
    return s.empty() || isLanguageCode(s) ? std::string() : "must be a language code such as 'en' or 'pt-br', got '" + s + "'";
}

int runAdd(const AddArgs& a, const std::string& vault) {
    Output o;
    int sources = int(a.text.has_value()) + int(a.fromStdin) + int(a.file.has_value());
    if (sources > 1) {
        std::cerr << "promptvault add output: give the output text once (--text, --stdin or --file)\n";
        return 2;
    }
    if (a.text) o.output = *a.text;
    if (a.fromStdin) o.output = readAll(std::cin);
    if (a.file) {
        std::ifstream in(*a.file, std::ios::binary);
        if (!in) {
            std::cerr << "promptvault add output: cannot read --file '" << *a.file << "'\n";
            return 1;
        }
        o.output = readAll(in);
    }
    if (o.output.empty()) {
        std::cerr << "promptvault add output: no output text (use --text, --stdin or --file)\n";
        return 2;
    }
    std::vector<std::string> tags = a.tag;
    for (const auto& t : a.tags)
        for (auto& x : splitCommas(t)) tags.push_back(x);
    o.outputEdited = a.edited;
    if (a.rating) o.rating = *parseRating(*a.rating);
    if (a.capturedAt) o.capturedAt = *parseCapturedAt(*a.capturedAt);
    o.notes = a.notes;
    o.source = a.source;
    o.conversationId = a.conversationId;
    o.conversationUrl = a.conversationUrl;
    o.language = a.language ? *a.language : detectLanguage(o.outputEdited.value_or(o.output));

    Store store(vault);
    std::string id;
    store.transaction([&] {
        if (a.promptId) {
            auto p = store.getPrompt(*a.promptId);
            if (!p) throw StoreError("--prompt-id '" + *a.promptId + "' does not exist");
            if (p->deleted()) throw StoreError("--prompt-id '" + *a.promptId + "' is a deleted prompt (restore it first, or give another)");
            o.promptId = *a.promptId;
        } else if (a.promptText || a.promptTitle) {
            o.promptId = store.findOrCreatePrompt(a.promptTitle.value_or(""), a.promptText.value_or("")).id;
        }
        if (a.model) o.modelId = store.findOrCreateModel(*a.model, a.provider.value_or("")).id;
        if (a.agent) o.agentId = store.findOrCreateAgent(*a.agent).id;
        id = store.createOutput(o).id;
        for (const auto& t : tags) store.linkTag(Kind::Output, id, store.findOrCreateTag(t).id);
    });
    std::cout << id << "\n";
    return 0;
}

int runExportJson(const std::optional<std::string>& out, const std::string& vault) {
    Store store(vault, {.readOnly = false, .create = false});
    if (!out) {
        store.exportJson(std::cout);
        return 0;
    }
    std::string tmp = *out + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) {
            std::cerr << "promptvault export json: cannot write '" << *out << "'\n";
            return 1;
        }
        store.exportJson(f);
        if (!f.flush()) {
            std::cerr << "promptvault export json: write to '" << tmp << "' failed\n";
            return 1;
        }
    }
    if (std::rename(tmp.c_str(), out->c_str()) != 0) {
        std::cerr << "promptvault export json: cannot move '" << tmp << "' to '" << *out << "'\n";
        return 1;
    }
    return 0;
}

} // namespace

Command addCommand(CLI::App& parent) {
    CLI::App* add = parent.add_subcommand("add", "capture a record: add output ...");
    add->require_subcommand(1);
    CLI::App* output = add->add_subcommand("output", "capture one output with its relations; missing prompt, model, agent and tags are created");
    auto a = std::make_shared<AddArgs>();
    output->add_option("--text", a->text, "the output text");
    output->add_flag("--stdin", a->fromStdin, "read the output text from standard input");
    output->add_option("--file", a->file, "read the output text from a file");
    output->add_option("--prompt", a->promptText, "the prompt's text (an existing prompt with the same text is reused)");
    output->add_option("--prompt-title", a->promptTitle, "the prompt's title (reused by title when no --prompt text)");
    output->add_option("--prompt-id", a->promptId, "attach to an existing prompt");
    output->add_option("--model", a->model, "model (e.g. gpt-4o)");
    output->add_option("--provider", a->provider, "the provider of a new model");
    output->add_option("--agent", a->agent, "custom GPT / Claude project");
    output->add_option("--tag", a->tag, "a tag (repeatable)");
    output->add_option("--tags", a->tags, "tags separated by commas: a,b,c");
    output->add_option("--edited", a->edited, "your corrected version (output_edited)");
    output->add_option("--rating", a->rating, "a whole number 1..5")->check(CLI::Validator(checkRating, "1..5"));
    output->add_option("--captured-at", a->capturedAt, "ISO-8601: 2026-12-04, 2026-12-04T17:25:00Z or with +HH:MM (no zone = UTC)")
        ->check(CLI::Validator(checkCapturedAt, "TIME"));
    output->add_option("--notes", a->notes, "notes");
    output->add_option("--source", a->source, "where it came from (default cli)");
    output->add_option("--conversation-id", a->conversationId, "the conversation's id in its service");
    output->add_option("--conversation-url", a->conversationUrl, "the conversation's address");
    output->add_option("--language", a->language, "the text's language ('en', 'pt-br'; '' for not known); guessed when not given")
        ->check(CLI::Validator(checkLanguage, "CODE"));
    output->footer("Prints the new output's id. Exit status: 0 stored; 1 the vault refused it or failed (nothing stored);\n"
                   "2 bad arguments (the message says which; nothing stored).");
    return {add, [a](const std::string& vault) { return runAdd(*a, vault); }};
}

Command exportCommand(CLI::App& parent) {
    CLI::App* exp = parent.add_subcommand("export", "write the vault out: export json | export markdown");
    exp->require_subcommand(1);
    CLI::App* json = exp->add_subcommand("json", "every table as {\"table\": [rows sorted by id]}, tombstones included");
    auto out = std::make_shared<std::optional<std::string>>();
    json->add_option("--out", *out, "write to this file (whole or not at all) instead of standard output");
    Command markdown = exportMarkdownCommand(*exp);
    return {exp, [json, out, markdown](const std::string& vault) { return json->parsed() ? runExportJson(*out, vault) : markdown.run(vault); }};
}

Command statsCommand(CLI::App& parent) {
    CLI::App* stats = parent.add_subcommand("stats", "live rows per table, and local changes waiting to sync");
    return {stats, [](const std::string& vault) {
                Store store(vault, {.readOnly = false, .create = false});
                for (const auto& [table, n] : store.counts()) std::cout << table << "\t" << n << "\n";
                std::cout << "pending_changes\t" << store.pendingChanges() << "\n";
                std::cout << "set_aside_changes\t" << store.setAsideChanges() << "\n";
                std::cout << "schema_version\t" << store.schemaVersion() << "\n";
                std::cout << "device_id\t" << store.deviceId() << "\n";
                return 0;
            }};
}

} // namespace pv::cli
