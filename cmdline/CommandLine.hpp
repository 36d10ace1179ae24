// Command lines parsed with CLI11, the same way in the promptvault binary and in every bench:
// "--help" prints the help of the (sub)command it was given to and exits 0; a bad command line
// prints "<program>: <what is wrong> (see --help)" and exits 2.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace pv::cmdline {

// Kept to text such as "--batch: expected a whole number from 1 to 1000000, got 'x'".
CLI::Validator wholeNumber(int64_t min, int64_t max);

// One of a fixed set of words: "expected raw, edited, diff or preview, got 'x'".
CLI::Validator oneOf(std::vector<std::string> words);

// A size "WIDTHxHEIGHT" of at least minWidth x minHeight: "expected WIDTHxHEIGHT of at least
// 320x240, e.g. 1440x900, got 'x'". parseSize reads a value the validator passed.
CLI::Validator sizeWxH(int minWidth, int minHeight);
bool parseSize(const std::string& text, int& width, int& height);

// Parses `args` (without the program name). nullopt: parsed, go on. Otherwise the exit code to
// return at once (0 after --help, 2 after an error), the help or the error already printed.
// `scrub` rewrites an error message before it is printed (e.g. to mask a password in it).
std::optional<int> parse(CLI::App& app, std::vector<std::string> args, std::ostream& out, std::ostream& err,
                         const std::function<std::string(const std::string&)>& scrub = {});

// The same for main()'s argc/argv, printing to stdout and stderr.
std::optional<int> parse(CLI::App& app, int argc, char** argv);

} // namespace pv::cmdline
