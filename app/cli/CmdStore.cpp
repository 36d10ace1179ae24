// add output, export json, stats: the commands that need only the store.
#include "Cli.hpp"
#include "Store.hpp"

#include <fstream>
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
    "  --rating N             1..5\n"
    "  --notes TEXT, --source NAME, --conversation-id ID, --conversation-url URL, --captured-at ISO8601\n"
    "Prints the new output's id.\n";

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
        try {
            o.rating = std::stoll(*r);
        } catch (...) {
            std::cerr << "promptvault add: --rating must be a number 1..5, got '" << *r << "'\n";
            return 2;
        }
    }
    o.notes = a.value("--notes").value_or("");
    o.source = a.value("--source").value_or("cli");
    o.conversationId = a.value("--conversation-id").value_or("");
    o.conversationUrl = a.value("--conversation-url").value_or("");
    o.capturedAt = a.value("--captured-at").value_or("");
    a.requireConsumed();
    if (o.output.empty()) {
        std::cerr << "promptvault add: no output text (use --text, --stdin or --file)\n";
        return 2;
    }

    Store store(vault);
    std::string id;
    store.transaction([&] {
        if (promptId) {
            if (!store.getPrompt(*promptId)) throw StoreError("--prompt-id '" + *promptId + "' does not exist");
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
