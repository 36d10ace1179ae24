#include "Language.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <unordered_map>
#include <vector>

namespace pv {
namespace {

// Bounded work: look at this much of the text at most (code fences included), and stop once this
// much prose has been read from it. A leading code block up to ~56 KB still leaves prose to read.
// Most texts stop much earlier: after kSettleBytes of prose, at the first line end where the
// answer is clear (Tally::settled). Every captured and imported output is read, so this is what
// an import pays per output (bench/import).
constexpr size_t kScanBytes = 64 * 1024;
constexpr size_t kSampleBytes = 8 * 1024;
constexpr size_t kSettleBytes = 512;
constexpr int kMinLetters = 8;   // weighted letters of the winning script
constexpr int kWordPoints = 4;   // a function word counts this much...
constexpr int kMinScore = 12;    // ...and a Latin/Cyrillic answer needs this much evidence
constexpr char32_t kBad = 0xFFFFFFFF;

enum Script { Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Hangul, Han, Kana,
              Armenian, Georgian, Bengali, Tamil, kScriptCount, NoScript };

// A code point's script when it is a letter (or a vowel sign of an abugida), else NoScript.
Script scriptOf(char32_t c) {
    if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? Latin : NoScript;
    if (c >= 0xC0 && c <= 0x24F) return (c == 0xD7 || c == 0xF7) ? NoScript : Latin;
    if (c >= 0x1E00 && c <= 0x1EFF) return Latin;
    if (c >= 0x370 && c <= 0x3FF) return (c == 0x375 || c == 0x37E || c == 0x384 || c == 0x385 || c == 0x387) ? NoScript : Greek;
    if (c >= 0x1F00 && c <= 0x1FFF) return Greek;
    if (c >= 0x400 && c <= 0x52F) return (c >= 0x482 && c <= 0x489) ? NoScript : Cyrillic;
    if ((c >= 0x531 && c <= 0x556) || (c >= 0x561 && c <= 0x587)) return Armenian;
    if ((c >= 0x5D0 && c <= 0x5EA) || (c >= 0x5EF && c <= 0x5F2) || (c >= 0xFB1D && c <= 0xFB4F)) return Hebrew;
    if ((c >= 0x620 && c <= 0x64A) || (c >= 0x66E && c <= 0x6D3 && c != 0x6D4 && c != 0x670) || c == 0x6D5 ||
        (c >= 0x6FA && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC))
        return Arabic;
    if ((c >= 0x900 && c <= 0x963) || (c >= 0x971 && c <= 0x97F)) return Devanagari;
    if ((c >= 0x980 && c <= 0x9E3) || c == 0x9F0 || c == 0x9F1) return Bengali;
    if (c >= 0xB80 && c <= 0xBD7) return Tamil;
    if ((c >= 0xE01 && c <= 0xE3A) || (c >= 0xE40 && c <= 0xE4E)) return Thai;
    if ((c >= 0x10A0 && c <= 0x10FF) || (c >= 0x1C90 && c <= 0x1CBF) || (c >= 0x2D00 && c <= 0x2D2F)) return Georgian;
    if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x3131 && c <= 0x318E) || (c >= 0xA960 && c <= 0xA97F) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xD7B0 && c <= 0xD7FF))
        return Hangul;
    if ((c >= 0x3041 && c <= 0x309F) || (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FF) ||
        (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F))
        return Kana;
    if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x3134F) || c == 0x3005 || c == 0x3007)
        return Han;
    return NoScript;
}

// Combining marks sit inside words: they neither count nor split one.
bool isMark(char32_t c) {
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x591 && c <= 0x5C7) || (c >= 0x64B && c <= 0x65F) || c == 0x670;
}

// Lowercase for the letters the word lists and letter markers use (Latin, Cyrillic).
char32_t lower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
    if (c == 0x130) return 'i';  // Turkish İ
    if (c == 0x178) return 0xFF;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177) || (c >= 0x218 && c <= 0x21B) || (c >= 0x1EA0 && c <= 0x1EF9))
        return c | 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
    if (c == 0x1A0 || c == 0x1AF) return c + 1;  // Vietnamese Ơ Ư
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;
    if (c == 0x490) return 0x491;  // Ґ
    return c;
}

// The next code point at s[i], advancing i; kBad (one byte consumed) for bytes that start no
// well-formed sequence: stray continuations, overlongs, surrogates, truncated tails.
char32_t decode(std::string_view s, size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return ++i, b;
    size_t len = 0;
    char32_t c = 0, min = 0;
    if (b >= 0xC2 && b <= 0xDF) len = 2, c = b & 0x1F, min = 0x80;
    else if ((b & 0xF0) == 0xE0) len = 3, c = b & 0x0F, min = 0x800;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, c = b & 0x07, min = 0x10000;
    else return ++i, kBad;
    if (len > s.size() - i) return ++i, kBad;
    for (size_t k = 1; k < len; ++k) {
        const auto t = static_cast<unsigned char>(s[i + k]);
        if ((t & 0xC0) != 0x80) return ++i, kBad;
        c = (c << 6) | (t & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return ++i, kBad;
    i += len;
    return c;
}

// Writes c as UTF-8 at out (room for 4 bytes); returns the bytes written.
size_t encodeUtf8(char* out, char32_t c) {
    if (c < 0x80) return out[0] = static_cast<char>(c), 1;
    if (c < 0x800) return out[0] = static_cast<char>(0xC0 | (c >> 6)), out[1] = static_cast<char>(0x80 | (c & 0x3F)), 2;
    if (c < 0x10000)
        return out[0] = static_cast<char>(0xE0 | (c >> 12)), out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
               out[2] = static_cast<char>(0x80 | (c & 0x3F)), 3;
    return out[0] = static_cast<char>(0xF0 | (c >> 18)), out[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
           out[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F)), out[3] = static_cast<char>(0x80 | (c & 0x3F)), 4;
}

// Languages told apart by words. The lists are frequent short words of each language, with the
// ones other listed languages use just as often left out (so "de", "en", "a" are nowhere). The
// letters are ones a language uses much more than its neighbours.
struct WordLanguage {
    const char* code;
    Script script;
    const char* words;
    const char* letters;
};

constexpr WordLanguage kWordLanguages[] = {
    {"en", Latin, "the and of to is that it for you with this are be as on not can have or by from if will your which but "
                  "we they there what when should would how more these also its into than",
     ""},
    {"de", Latin, "der die und das ist nicht ein eine ich sie mit auf für dem den von zu sich auch werden wird sind oder "
                  "wenn kann können aber noch nur dass bei wie diese sehr einem einen durch mehr hier zum zur über wir haben hat",
     "ßäöü"},
    {"fr", Latin, "le la les des est et une du que qui dans pour pas sur ce il elle sont avec plus vous nous ou au aux par "
                  "mais cette ces comme être peut fait tout aussi sa ses leur très bien où même",
     "çèêùœàâîôëï"},
    {"es", Latin, "el los las del que es por con una para como pero más se lo su sus al también esta esto son está puede "
                  "hay muy sin sobre entre cuando ya si todo hacer donde ser tiene y la",
     "ñ¿¡áíóú"},
    {"it", Latin, "il di che è per non un una del della dei delle gli sono con si da come anche più ma questo questa nel "
                  "nella alla al ci ha essere può molto se lo tutto quando perché ogni tra dove la",
     "ìòàèù"},
    {"pt", Latin, "o os as que não uma um com para por do da dos das na nos em é se mais mas como também ao pelo pela isso "
                  "esta você ser pode muito quando seu sua ou são está há já entre sobre onde",
     "ãõçâêôá"},
    {"nl", Latin, "het een van dat op te zijn met voor niet aan ook als maar bij naar wordt worden je wat deze dit nog door "
                  "hebben heeft meer uit hoe kunnen moet is die",
     ""},
    {"sv", Latin, "och att det som är på av för med till den inte har om ett men var jag så kan eller man vi när vad också "
                  "från måste finns efter mycket bara sig hur dessa detta denna ska",
     "åäö"},
    {"da", Latin, "og at det som er på af med til den ikke har om men var jeg så kan eller man vi skal når hvad også fra "
                  "findes efter meget bare sig hvordan disse dette denne noget nu blev mig dig være nogle ud sådan gør igen tilbage "
                  "bliver giver mellem",
     "æøå"},
    {"no", Latin, "og at det som er på av med til den ikke har om men var jeg så kan eller man vi skal når hva også fra "
                  "finnes etter mye bare seg hvordan disse dette denne noe nå ble meg deg være noen ut slik gjør igjen tilbake blir "
                  "gir enn mellom",
     "æøå"},
    {"fi", Latin, "ja on ei että se ole tai kun mutta joka jos myös voi ovat sen kuin niin mitä tämä nämä olla hän vain "
                  "kanssa jo sitä tässä siitä ennen jälkeen koska miten kaikki voit esimerkiksi",
     "äö"},
    {"pl", Latin, "w z na się nie że jest jak co po ale od tak za są może jego tym tego lub oraz przez dla czy jeśli które "
                  "który która bardzo także można już tylko gdy ten jako",
     "ąćęłńśźżó"},
    {"cs", Latin, "je se že v ve jsou jako pro ale jak co tak po od když nebo také který která které může být už jen při "
                  "tento tato toto jsem však aby podle",
     "ěřůčšžýďťň"},
    {"tr", Latin, "ve bir bu için ile olarak olan daha çok gibi ama veya kadar sonra ancak her şey var yok değil ki nasıl "
                  "neden eğer ise göre bazı tüm aynı",
     "çğışöü"},
    {"ro", Latin, "și şi în cu pe care este sunt nu din pentru că mai sau dar fi poate acest această au fost foarte prin "
                  "după despre când dacă lui ei ca la un",
     "ăâîșțşţ"},
    {"hu", Latin, "az és hogy nem egy van meg ez csak már mint még vagy ha kell lehet nagyon azt ezt volt így pedig akkor "
                  "után között amely ami amit minden sem szerint mert",
     "őűáéíóöüú"},
    {"id", Latin, "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke karena ada bisa atau oleh sudah saya "
                  "anda kita mereka adalah seperti jika lebih tetapi hanya dapat harus telah banyak sangat bahwa cara",
     ""},
    {"vi", Latin, "và của là có không được các những một cho trong với để này người khi từ đã sẽ cũng như thì nhưng về "
                  "hoặc nếu bạn tôi chúng rất nhiều làm theo đó ra",
     "ươđ"},
    {"ru", Cyrillic, "и что это как с он она они его её из но или если также может можно нужно будет был была были уже "
                     "только чтобы который которые когда от все вы мы есть этот эти очень более",
     "ыэё"},
    {"uk", Cyrillic, "і й та у що це як з із він вона вони його її але або якщо також може можна потрібно буде був була "
                     "були вже тільки щоб який які коли від всі ви ми є цей ці дуже більш",
     "іїєґ"},
    {"bg", Cyrillic, "и да се е че са как от но или това тази този които който която може има ще ако също много след още "
                     "вече само когато към между бъде трябва",
     "ъ"},
    {"sr", Cyrillic, "и је да се су као што ово али или ако бити који која које када само још веома због према између "
                     "треба такође од",
     "ђћџљњј"},
};
constexpr size_t kWordLanguageCount = std::size(kWordLanguages);
static_assert(kWordLanguageCount <= 32, "one bit per language");
constexpr size_t kVietnamese = 17;
static_assert(kWordLanguages[kVietnamese].code[0] == 'v');
constexpr size_t kDanish = 8, kNorwegian = 9;
static_assert(kWordLanguages[kDanish].code[0] == 'd' && kWordLanguages[kNorwegian].code[0] == 'n');

// Which languages list a word, and which a letter: one bit per kWordLanguages entry. Looked up for
// every word and letter of the sample, so no allocation and no std::hash: the words sit in an
// open-addressed table of views into kWordLanguages (static strings), ASCII letters in an array.
class Lexicon {
public:
    Lexicon() {
        std::vector<std::pair<std::string_view, uint32_t>> words;
        for (size_t l = 0; l < kWordLanguageCount; ++l) {
            const uint32_t bit = 1u << l;
            std::string_view list = kWordLanguages[l].words;
            while (!list.empty()) {
                const size_t end = std::min(list.find(' '), list.size());
                if (end > 0) words.emplace_back(list.substr(0, end), bit);
                list.remove_prefix(std::min(end + 1, list.size()));
            }
            const std::string_view letterList = kWordLanguages[l].letters;
            for (size_t i = 0; i < letterList.size();) {
                const char32_t c = decode(letterList, i);
                if (c == kBad) continue;
                if (c < 0x80) m_asciiLetters[c] |= bit;
                else m_letters[c] |= bit;
            }
        }
        while (m_slots.size() < 4 * words.size()) m_slots.resize(m_slots.empty() ? 64 : 2 * m_slots.size());
        for (const auto& [w, bit] : words) {
            m_maxWordBytes = std::max(m_maxWordBytes, w.size());
            Slot& s = slotOf(w);
            s.word = w;
            s.languages |= bit;
        }
    }

    // The languages listing `word` (lowercase UTF-8), 0 for none.
    uint32_t word(std::string_view word) const {
        if (word.size() > m_maxWordBytes) return 0;
        return const_cast<Lexicon*>(this)->slotOf(word).languages;
    }
    uint32_t letter(char32_t c) const {
        if (c < 0x80) return m_asciiLetters[c];
        const auto it = m_letters.find(c);
        return it == m_letters.end() ? 0 : it->second;
    }

private:
    struct Slot {
        std::string_view word;
        uint32_t languages = 0;
    };
    // Linear probing from an FNV-1a hash: the word's slot, or the empty one where it would go.
    Slot& slotOf(std::string_view w) {
        uint64_t h = 14695981039346656037ull;
        for (const char ch : w) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
        const size_t mask = m_slots.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask)
            if (m_slots[i].word.empty() || m_slots[i].word == w) return m_slots[i];
    }

    std::vector<Slot> m_slots;  // a power of two, at most a quarter full
    size_t m_maxWordBytes = 0;
    std::array<uint32_t, 0x80> m_asciiLetters{};
    std::unordered_map<char32_t, uint32_t> m_letters;
};

const Lexicon& lexicon() {
    static const Lexicon lex;
    return lex;
}

// What the prose sample holds: letters per script, per-language scores, Arabic-script variants.
struct Tally {
    static constexpr size_t kMaxWordBytes = 48;  // longer runs of letters are no word of any list

    const Lexicon& lex = lexicon();
    std::array<int, kScriptCount> letters{};
    std::array<int, kWordLanguageCount> score{};
    int arabicAr = 0, arabicFa = 0, arabicUr = 0;
    size_t fed = 0;
    char word[kMaxWordBytes + 4] = {};  // lowercase UTF-8; room for one more sequence at the limit
    size_t wordBytes = 0;
    Script wordScript = NoScript;
    bool wordTooLong = false;
    int wordLetters = 0, wordUpper = 0;

    void addScores(uint32_t languages, int points) {
        for (; languages; languages &= languages - 1) score[static_cast<size_t>(__builtin_ctz(languages))] += points;
    }

    void endWord() {
        // ALL-CAPS words are SQL keywords, constants or acronyms ("SELECT ... FROM ... WHERE"), not prose.
        const bool shouted = wordLetters >= 2 && wordUpper == wordLetters;
        if (wordBytes != 0 && !wordTooLong && !shouted) addScores(lex.word({word, wordBytes}), kWordPoints);
        wordBytes = 0;
        wordTooLong = false;
        wordLetters = wordUpper = 0;
        wordScript = NoScript;
    }

    // One more letter of a Latin or Cyrillic word (`c` lowercase, `upper` when it was not).
    void wordLetter(Script sc, char32_t c, bool upper) {
        if (sc != wordScript) endWord();
        wordScript = sc;
        ++wordLetters;
        if (upper) ++wordUpper;
        if (wordBytes >= kMaxWordBytes) {
            wordTooLong = true;
            return;
        }
        if (c < 0x80) word[wordBytes++] = static_cast<char>(c);
        else wordBytes += encodeUtf8(word + wordBytes, c);
    }

    void countArabicVariant(char32_t c) {
        switch (c) {
        case 0x64A: case 0x643: case 0x629: case 0x649: ++arabicAr; break;          // ي ك ة ى
        case 0x6CC: case 0x6A9: case 0x67E: case 0x686: case 0x698: case 0x6AF: ++arabicFa; break;  // ی ک پ چ ژ گ
        case 0x679: case 0x688: case 0x691: case 0x6BA: case 0x6D2: case 0x6C1: case 0x6BE: ++arabicUr; break;  // ٹ ڈ ڑ ں ے ہ ھ
        default: break;
        }
    }

    void feed(std::string_view s) {
        fed += s.size();
        for (size_t i = 0; i < s.size();) {
            const auto b = static_cast<unsigned char>(s[i]);
            if (b < 0x80) {  // most prose is ASCII: no decoding, no case tables
                ++i;
                const char32_t c = (b >= 'A' && b <= 'Z') ? b + 0x20 : b;
                addScores(lex.letter(c), 1);
                if (c < 'a' || c > 'z') {
                    endWord();
                    continue;
                }
                ++letters[Latin];
                wordLetter(Latin, c, c != b);
                continue;
            }
            const char32_t raw = decode(s, i);
            if (raw == kBad) {
                endWord();
                continue;
            }
            if (isMark(raw)) continue;
            const char32_t c = lower(raw);
            addScores(lex.letter(c), 1);
            if (c >= 0x1EA0 && c <= 0x1EF9) ++score[kVietnamese];  // letters with Vietnamese tone marks
            const Script sc = scriptOf(c);
            if (sc == NoScript) {
                endWord();
                continue;
            }
            ++letters[sc];
            if (sc == Arabic) countArabicVariant(c);
            if (sc != Latin && sc != Cyrillic) {
                endWord();
                continue;
            }
            wordLetter(sc, c, c != raw);
        }
        endWord();
    }

    // The word languages of `script`: the best and the next best by score.
    struct Ranking {
        int best = -1, second = 0;
        size_t winner = 0, runnerUp = 0;
        // Danish and Norwegian share most of their words, so the words that differ decide alone.
        bool siblings() const {
            return (winner == kDanish && runnerUp == kNorwegian) || (winner == kNorwegian && runnerUp == kDanish);
        }
    };
    Ranking rank(Script script) const {
        Ranking r;
        for (size_t l = 0; l < kWordLanguageCount; ++l) {
            if (kWordLanguages[l].script != script) continue;
            if (score[l] > r.best) r.second = std::max(r.best, 0), r.runnerUp = r.winner, r.best = score[l], r.winner = l;
            else if (score[l] > r.second) r.second = score[l], r.runnerUp = l;
        }
        return r;
    }

    // The language of `script` with the best score, if it is clearly ahead of the next one.
    std::string bestWordLanguage(Script script) const {
        const Ranking r = rank(script);
        const int margin = r.siblings() ? 2 * kWordPoints : std::max(2 * kWordPoints, r.best / 5);
        if (r.best < kMinScore || r.best - r.second < margin) return "";
        return kWordLanguages[r.winner].code;
    }

    // The script with the most (weighted) letters: its count, and the count of all scripts.
    struct TopScript {
        Script script = NoScript;
        int count = 0, total = 0;
    };
    TopScript topScript() const {
        // Han, kana and Hangul count double: one of them carries about what a short Latin word does,
        // so "使用 Python 的 requests 库" is not outvoted by the English names in it.
        const int cjk = 2 * (letters[Han] + letters[Kana]);
        TopScript top;
        top.total = cjk;
        for (int s = 0; s < kScriptCount; ++s) {
            if (s == Han || s == Kana) continue;
            const int n = letters[s] * (s == Hangul ? 2 : 1);
            top.total += n;
            if (n > top.count) top.count = n, top.script = static_cast<Script>(s);
        }
        if (cjk > top.count) top.count = cjk, top.script = Han;
        return top;
    }

    // Whether reading on could hardly change the answer: one script has 4/5 of the letters and,
    // for Latin and Cyrillic, one language has three times the evidence an answer needs and twice
    // the score of the next. Han (Chinese or Japanese) and Arabic script (Arabic, Persian, Urdu)
    // are told apart by proportions of letters, Danish and Norwegian by a few words: those read on.
    bool settled() const {
        const TopScript top = topScript();
        if (top.count < 8 * kMinLetters || top.count * 5 < top.total * 4) return false;
        switch (top.script) {
        case Latin:
        case Cyrillic: {
            const Ranking r = rank(top.script);
            return !r.siblings() && r.best >= 3 * kMinScore && r.best >= 2 * r.second;
        }
        case Han:
        case Arabic: return false;
        default: return true;
        }
    }

    std::string decide() const {
        const TopScript t = topScript();
        const Script top = t.script;
        if (t.count < kMinLetters) return "";
        switch (top) {
        case Latin:
        case Cyrillic: return bestWordLanguage(top);
        case Han: return letters[Kana] * 10 >= letters[Han] + letters[Kana] ? "ja" : "zh";  // Japanese mixes in kana
        case Arabic:
            if (arabicUr >= 2 && arabicUr * 100 >= letters[Arabic]) return "ur";  // letters Persian and Arabic lack
            return arabicFa > arabicAr ? "fa" : "ar";
        case Greek: return "el";
        case Hebrew: return "he";
        case Devanagari: return "hi";
        case Thai: return "th";
        case Hangul: return "ko";
        case Armenian: return "hy";
        case Georgian: return "ka";
        case Bengali: return "bn";
        case Tamil: return "ta";
        default: return "";
        }
    }
};

bool startsWithUrl(std::string_view s) {
    auto starts = [&](std::string_view p) {
        if (s.size() < p.size()) return false;
        for (size_t i = 0; i < p.size(); ++i)
            if ((s[i] | 0x20) != p[i]) return false;
        return true;
    };
    return starts("http://") || starts("https://") || starts("www.");
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// A line's prose into `out`: inline code spans (`x`, ``x``) and URLs replaced by a space. `out`
// is reused from line to line, so its buffer is allocated once per text.
void proseOf(std::string_view line, std::string& out) {
    out.clear();
    for (size_t i = 0; i < line.size();) {
        const char ch = line[i];
        if (ch == '`') {
            size_t run = 0;
            while (i + run < line.size() && line[i + run] == '`') ++run;
            // The span closes at the next run of exactly as many backticks.
            size_t j = i + run, close = std::string_view::npos;
            while (j < line.size()) {
                if (line[j] != '`') {
                    ++j;
                    continue;
                }
                size_t r = 0;
                while (j + r < line.size() && line[j + r] == '`') ++r;
                if (r == run) {
                    close = j;
                    break;
                }
                j += r;
            }
            i = close == std::string_view::npos ? i + run : close + run;
            out += ' ';
            continue;
        }
        if (((ch | 0x20) == 'h' || (ch | 0x20) == 'w') && startsWithUrl(line.substr(i))) {
            while (i < line.size() && !isSpace(line[i])) ++i;
            out += ' ';
            continue;
        }
        // Plain text up to the next backtick or URL, copied in one piece.
        size_t end = i + 1;
        for (; end < line.size(); ++end) {
            const char c = line[end];
            if (c == '`' || (((c | 0x20) == 'h' || (c | 0x20) == 'w') && startsWithUrl(line.substr(end)))) break;
        }
        out.append(line.data() + i, end - i);
        i = end;
    }
}

// Per byte for looksLikeCode: 1 a letter (ASCII or any byte of a non-ASCII character), 2 a symbol
// that marks code when there are a quarter as many of them as letters, 0 the rest.
constexpr std::array<uint8_t, 256> kCodeByteClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0x80; c < 0x100; ++c) t[c] = 1;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 0x20] = 1;
    for (const char c : std::string_view("{}[]()<>;=\\|&$")) t[static_cast<unsigned char>(c)] = 2;
    return t;
}();

// Code pasted without a fence: a line that ends like a statement or block, or is mostly symbols.
bool looksLikeCode(std::string_view line) {
    while (!line.empty() && isSpace(line.back())) line.remove_suffix(1);
    if (line.empty()) return false;
    const char last = line.back();
    if (last == ';' || last == '{' || last == '}') return true;
    int letters = 0, symbols = 0;
    for (const char ch : line) {
        const uint8_t cls = kCodeByteClass[static_cast<unsigned char>(ch)];
        letters += cls == 1;
        symbols += cls == 2;
    }
    return symbols * 4 >= letters;
}

} // namespace

std::string_view utf8Prefix(std::string_view text, size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    size_t n = maxBytes;
    // text[n] is the first byte left out: while it continues a sequence, that sequence started
    // inside the prefix; step back over its (at most three) earlier bytes.
    for (int back = 0; back < 3 && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80; ++back) --n;
    return text.substr(0, n);
}

std::string detectLanguage(std::string_view utf8Text) {
    try {
        const std::string_view text = utf8Prefix(utf8Text, kScanBytes);
        Tally tally;
        std::string prose;
        char fenceChar = 0;
        size_t fenceLen = 0;
        for (size_t pos = 0; pos < text.size() && tally.fed < kSampleBytes;) {
            const size_t nl = std::min(text.find('\n', pos), text.size());
            const std::string_view line = text.substr(pos, nl - pos);
            pos = nl + 1;

            // Fences may be indented (inside list items): ``` or ~~~, closed by a run at least as long.
            std::string_view trimmed = line;
            while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
            size_t run = 0;
            if (!trimmed.empty() && (trimmed[0] == '`' || trimmed[0] == '~'))
                while (run < trimmed.size() && trimmed[run] == trimmed[0]) ++run;
            if (run >= 3) {
                if (fenceChar == 0) fenceChar = trimmed[0], fenceLen = run;
                else if (trimmed[0] == fenceChar && run >= fenceLen) fenceChar = 0;
                continue;
            }
            if (fenceChar != 0) continue;

            proseOf(line, prose);
            if (looksLikeCode(prose)) continue;
            tally.feed(prose);
            if (tally.fed >= kSettleBytes && tally.settled()) break;
        }
        return tally.decide();
    } catch (...) {
        return "";  // only allocation can throw here; no answer beats an exception on capture
    }
}

namespace {

struct LanguageInfo {
    const char* code;
    const char* name;
};

// By English name, the order a picker shows them in.
constexpr LanguageInfo kLanguages[] = {
    {"ar", "Arabic"},    {"hy", "Armenian"},   {"bn", "Bengali"},    {"bg", "Bulgarian"},  {"zh", "Chinese"},
    {"cs", "Czech"},     {"da", "Danish"},     {"nl", "Dutch"},      {"en", "English"},    {"fi", "Finnish"},
    {"fr", "French"},    {"ka", "Georgian"},   {"de", "German"},     {"el", "Greek"},      {"he", "Hebrew"},
    {"hi", "Hindi"},     {"hu", "Hungarian"},  {"id", "Indonesian"}, {"it", "Italian"},    {"ja", "Japanese"},
    {"ko", "Korean"},    {"no", "Norwegian"},  {"fa", "Persian"},    {"pl", "Polish"},     {"pt", "Portuguese"},
    {"ro", "Romanian"},  {"ru", "Russian"},    {"sr", "Serbian"},    {"es", "Spanish"},    {"sv", "Swedish"},
    {"ta", "Tamil"},     {"th", "Thai"},       {"tr", "Turkish"},    {"uk", "Ukrainian"},  {"ur", "Urdu"},
    {"vi", "Vietnamese"},
};

} // namespace

const char* languageName(std::string_view code) {
    for (const auto& l : kLanguages)
        if (code == l.code) return l.name;
    return nullptr;
}

const std::vector<std::string>& knownLanguages() {
    static const std::vector<std::string> codes = [] {
        std::vector<std::string> v;
        for (const auto& l : kLanguages) v.emplace_back(l.code);
        return v;
    }();
    return codes;
}

bool isLanguageCode(std::string_view code) {
    auto lowerAscii = [](char c) { return c >= 'a' && c <= 'z'; };
    auto alnumAscii = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    size_t n = 0;
    while (n < code.size() && lowerAscii(code[n])) ++n;
    if (n < 2 || n > 3) return false;
    if (n == code.size()) return true;
    if (code[n] != '-') return false;
    const std::string_view sub = code.substr(n + 1);
    if (sub.size() < 2 || sub.size() > 4) return false;
    for (char c : sub)
        if (!alnumAscii(c)) return false;
    return true;
}

} // namespace pv
