// Reusable widgets: search-as-you-type pickers with create-in-place, tag chips, flowed rich text
// (diff and Markdown), and the test hook that lets headless tests find widgets on screen.
#pragma once
#include "AppContext.hpp"
#include "DisplayText.hpp"
#include "UiLogic.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace pv::ui {

// ---- test hook: where named widgets were drawn last frame -----------------------------------
namespace testhook {
void enable(bool on);
bool enabled();
// Records the rect of the last item under `key` (no-op unless enabled).
void mark(const std::string& key);
void markRect(const std::string& key, const ImRect& r);
std::optional<ImRect> rect(const std::string& key);
void clear();
} // namespace testhook

// ---- picker ----------------------------------------------------------------------------------
// One picker instance per field. Candidates are searched on the worker as the person types; the
// current choice shows as the hint; a missing name is created in place.
class Picker {
public:
    Picker(Kind kind, std::string noun, std::string lookupId = "", bool allowCreate = true)
        : m_kind(kind), m_noun(std::move(noun)), m_lookupId(std::move(lookupId)), m_allowCreate(allowCreate) {}

    // Single value: returns true when `value` changed. currentLabel: the chosen record's name.
    bool drawSingle(AppContext& ctx, const char* id, std::optional<std::string>& value, const std::string& currentLabel);
    // Multi value (tags, multi lookups): returns the id to add, if any. Enter creates a new one.
    std::optional<std::string> drawAdd(AppContext& ctx, const char* id, const char* hint, const std::vector<std::string>& excludeIds);
    ~Picker();
    Picker(const Picker&) = delete;
    Picker& operator=(const Picker&) = delete;
    bool open() const { return m_open; }
    void close();

private:
    void trackOpen(bool inputActive, bool enter);
    void requestMatches(AppContext& ctx);
    std::optional<std::string> drawList(AppContext& ctx, const std::vector<std::string>& excludeIds, bool activated);
    std::optional<std::string> resolve(AppContext& ctx, const PickerEntry& e);

    Kind m_kind;
    std::string m_noun;
    std::string m_lookupId;
    bool m_allowCreate;
    std::string m_query;
    std::string m_requested = "\x01";  // query of the last request (sentinel: none yet)
    std::vector<Choice> m_matches;
    bool m_open = false;
    bool m_refocus = false;
    int m_highlight = 0;
    uint64_t m_token = 0;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

// A removable chip; returns true when its × is clicked.
bool chip(const std::string& id, const std::string& label, bool removable = true);

// ---- flowed rich text ------------------------------------------------------------------------
struct TextRun {
    std::string text;
    ImFont* font = nullptr;
    ImU32 color = 0;  // 0 = default text colour
    ImU32 bg = 0;
    bool strike = false;
    bool underline = false;
};
// Lays runs out word by word, wrapping at the available width; "\n" breaks lines.
void flowText(const std::vector<TextRun>& runs, float indent = 0.0f);

void drawWordDiff(const std::vector<DiffSpan>& spans, const Fonts& fonts);

// Markdown (CommonMark + GitHub tables/strikethrough via md4c) rendered with ImGui primitives.
class MarkdownView {
public:
    void draw(const std::string& source, const Fonts& fonts);
    struct Block;
    // The runs each block draws (tests read them).
    static std::vector<std::vector<TextRun>> previewRuns(const std::string& source, const Fonts& fonts);

private:
    static std::vector<Block> parse(const std::string& source);
    static std::vector<TextRun> runsOf(const Block& blk, const Fonts& fonts);
    std::string m_source = "\x01";
    std::shared_ptr<std::vector<Block>> m_blocks;
};

// A right-aligned small grey caption.
void caption(const char* text);
// Section header with a thin rule.
void sectionHeader(const Fonts& fonts, const char* text);
// Helpers for std::string inputs (imgui_stdlib).
bool inputText(const char* label, std::string& s, ImGuiInputTextFlags flags = 0);
bool inputMultiline(const char* label, std::string& s, const ImVec2& size, ImGuiInputTextFlags flags = 0);
bool inputWithHint(const char* label, const char* hint, std::string& s, ImGuiInputTextFlags flags = 0);
// outputs.language: "not known" (""), the detector's languages by name, or another code typed in
// (kept in `other` between frames). With `withAny`, a first entry "any language" (nullopt), for a
// filter. True when the choice changed.
bool languagePicker(const char* id, std::optional<std::string>& code, bool withAny, std::string& other);
// How a language code reads in a list: "English (en)", "pt-br", "not known".
std::string languageLabel(const std::string& code);
// Soft word wrap of every multi-line field (inputMultiline); the App sets it from ViewOptions.
void setSoftWrap(bool on);
bool softWrap();
// The user-facing "Wrap" checkbox: flips view.wrapText (saved with the view options).
bool wrapToggle(ViewOptions& view);
// Where wrapToggle() goes on the current line to end `margin` short of its right end (window x).
// The editors leave the fields' frame padding, so the label ends where the text in the fields ends
// instead of touching the pane's edge (its scrollbar).
float wrapToggleX(float margin);
// The same, right-aligned on the line at window y `y` (a section header's), the cursor left as it was.
bool wrapToggleAt(ViewOptions& view, float y);
// A typed character (GLFW's char callback): astral ones reach ImGui as their stand-ins.
void typeCharacter(char32_t c);
// Wraps the platform clipboard so copies out of fields give real characters and pastes keep them.
void carryClipboard();
// Copies a stored text (not a field's buffer) to the clipboard.
void copyToClipboard(const std::string& stored);

} // namespace pv::ui
