// The natural language of an output's text (outputs.language): guessed on capture, or set by hand.
// Plain code, no tables from elsewhere: the script of the letters decides most languages; Latin and
// Cyrillic text is scored by short function words and a few telling letters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pv {

// An ISO 639-1 code ("en", "de", "ja", ...) or "" when it cannot tell (empty, too short, only
// code, numbers or punctuation, or no clear winner). Reads a bounded prefix only, so a 50 MB
// output costs what a few KB do. Skips invalid UTF-8; never throws.
std::string detectLanguage(std::string_view utf8Text);

// The longest prefix of `text` of at most maxBytes that does not end inside a UTF-8 sequence (a
// sequence the cut would split is left out whole). Bytes before the cut are not checked.
std::string_view utf8Prefix(std::string_view text, size_t maxBytes);

// The English name of a code detectLanguage can return ("German"), or nullptr for any other code.
const char* languageName(std::string_view code);

// The codes detectLanguage can return, ordered by English name (for a picker).
const std::vector<std::string>& knownLanguages();

// The shape of a hand-set code: 2-3 lowercase ASCII letters, optionally "-" and 2-4 ASCII letters
// or digits ("en", "pt-br", "zh-hant"). Says nothing about whether the language exists.
bool isLanguageCode(std::string_view code);

} // namespace pv
