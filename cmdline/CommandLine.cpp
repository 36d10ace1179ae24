#include "CommandLine.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <regex>

namespace pv::cmdline {

CLI::Validator wholeNumber(int64_t min, int64_t max) {
    const std::string range = std::to_string(min) + " to " + std::to_string(max);
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            int64_t v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
                return "expected a whole number from " + range + ", got '" + text + "'";
            return {};
        },
        "INT " + range);
}

bool parseSize(const std::string& text, int& width, int& height) {
    char tail = 0;
    return std::sscanf(text.c_str(), "%dx%d%c", &width, &height, &tail) == 2;
}

CLI::Validator sizeWxH(int minWidth, int minHeight) {
    const std::string least = std::to_string(minWidth) + "x" + std::to_string(minHeight);
    return CLI::Validator(
        [minWidth, minHeight, least](std::string& v) -> std::string {
            int w = 0, h = 0;
            if (!parseSize(v, w, h) || w < minWidth || h < minHeight)
                return "expected WIDTHxHEIGHT of at least " + least + ", e.g. 1440x900, got '" + v + "'";
            return {};
        },
        "WxH");
}

CLI::Validator oneOf(std::vector<std::string> words) {
    std::string list;
    for (size_t i = 0; i < words.size(); ++i) list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    return CLI::Validator(
        [words, list](std::string& text) -> std::string {
            for (const auto& w : words)
                if (text == w) return {};
            return "expected " + list + ", got '" + text + "'";
        },
        list);
}

namespace {

// CLI11's wording where a plainer one exists.
std::string plainer(const CLI::ParseError& e, const CLI::App& failed) {
    std::string what = e.what();
    if (what == "A subcommand is required") {
        std::vector<std::string> names;
        for (const CLI::App* sub : failed.get_subcommands({})) names.push_back(sub->get_name());
        std::string list;
        for (size_t i = 0; i < names.size(); ++i) list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
        return "expected a command: " + list;
    }
    static const std::regex missingValue(R"(^(\S+): \d+ required \S+ missing$)");
    std::smatch m;
    if (std::regex_match(what, m, missingValue)) return m[1].str() + ": needs a value";
    static const std::regex repeated(R"(^(\S+): At Most 1 required but received \d+$)");
    if (std::regex_match(what, m, repeated)) return m[1].str() + ": give it once";
    return what;
}

// The deepest subcommand the user named: its help is the one "--help" asks for.
const CLI::App* deepestParsed(const CLI::App& app) {
    for (const CLI::App* sub : app.get_subcommands())
        if (sub->parsed()) return deepestParsed(*sub);
    return &app;
}

std::string commandPath(const CLI::App& app) {
    std::string path = app.get_name();
    for (const CLI::App* p = app.get_parent(); p; p = p->get_parent()) path = p->get_name() + " " + path;
    return path;
}

} // namespace

std::optional<int> parse(CLI::App& app, std::vector<std::string> args, std::ostream& out, std::ostream& err,
                         const std::function<std::string(const std::string&)>& scrub) {
    // CLI11 takes its arguments last-first.
    std::reverse(args.begin(), args.end());
    try {
        app.parse(args);
        return std::nullopt;
    } catch (const CLI::CallForHelp&) {
        out << app.help();  // the help of the deepest subcommand named
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::ParseError& e) {
        const CLI::App& failed = *deepestParsed(app);
        std::string what = plainer(e, failed);
        if (scrub) what = scrub(what);
        err << commandPath(failed) << ": " << what << " (see --help)\n";
        return 2;
    }
}

std::optional<int> parse(CLI::App& app, int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return parse(app, std::move(args), std::cout, std::cerr);
}

} // namespace pv::cmdline
