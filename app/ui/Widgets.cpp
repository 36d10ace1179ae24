#include "Widgets.hpp"

#include "Language.hpp"

#include "Store.hpp"
#include "UiQueries.hpp"
#include "FontAtlas.hpp"
#include "SoftWrap.hpp"
#include "TextCarrier.hpp"
#include "Worker.hpp"

#include <deque>
#include <unordered_map>

#include <fribidi.h>

#include <imgui_stdlib.h>
#include <md4c.h>

namespace pv::ui {

// ---- test hook ---------------------------------------------------------------------------------
namespace testhook {
namespace {
bool g_enabled = false;
std::map<std::string, ImRect>& rects() {
    static std::map<std::string, ImRect> r;
    return r;
}
} // namespace
void enable(bool on) { g_enabled = on; }
bool enabled() { return g_enabled; }
void mark(const std::string& key) {
    if (g_enabled) rects()[key] = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}
void markRect(const std::string& key, const ImRect& r) {
    if (g_enabled) rects()[key] = r;
}
std::optional<ImRect> rect(const std::string& key) {
    auto it = rects().find(key);
    if (it == rects().end()) return std::nullopt;
    return it->second;
}
void clear() { rects().clear(); }
} // namespace testhook

// ---- text inputs -------------------------------------------------------------------------------
// Every text field edits the widget form of its text (TextCarrier) and writes back the stored
// form, so a character ImGui cannot hold is never replaced. A text that cannot be carried is
// shown read-only with a note.
namespace {
void noteGlyphs(std::string_view text);

// A wrapped multi-line field (softWrap()): its buffer is the widget form plus soft line breaks.
struct WrapField {
    SoftWrap wrap;
    const ImFont* font = nullptr;
    float fontSize = 0;
    float wantWidth = 0, wantHang = 0;  // the layout width this frame (applied by the callback while active)
    bool session = false;               // active, and the buffer at activation is recorded
    std::string initial;                // the buffer at activation: Escape reverts to it
    std::vector<int> initialSofts;
    int lastCursor = 0;  // logical
    // Undo is ours while wrapped: ImGui's records would replay over a buffer whose breaks moved.
    struct Snapshot {
        std::string text;  // logical widget form
        int cursor = 0;
    };
    std::vector<Snapshot> undo, redo;
    bool typingRun = false;
    int runEnd = -1;
    bool relayout = false;  // the font changed: lay out again
    int editStart = -1;     // where the cursor or selection began this frame (ImGui characters), for the diff
    uint64_t revision = 0;  // counts changes of the logical text (a change can leave the buffer as it was)
};

struct CarriedField {
    std::string stored;  // the caller's text the widget form was made from
    std::string widget;  // the buffer ImGui edits
    carry::Refusal refusal = carry::Refusal::None;
    int lastFrame = 0;
    std::unique_ptr<WrapField> wrap;  // set while the field is soft-wrapped
};

std::unordered_map<ImGuiID, CarriedField>& carriedFields() {
    static std::unordered_map<ImGuiID, CarriedField> fields;
    return fields;
}

bool g_softWrap = true;

// Characters ImGui's own input path drops: it filters private-use code points out of typed and
// pasted text, and cannot hold astral ones. They wait here (widget form) and the active field
// inserts them from its callback.
std::string& pendingInsert() {
    static std::string text;
    return text;
}

// InsertChars from a field's callback. ImGui 1.86 grows a resizable field's buffer with
// ImVector::reserve, which copies only the vector's Size bytes, and Size is not moved past the text:
// a second growth in one callback (a paste, then its soft breaks) kept only the field's first bytes
// and aborted in InputTextEx. Keeping Size over the text makes each growth copy all of it.
void insertChars(ImGuiInputTextCallbackData* data, int pos, const char* from, const char* to) {
    data->InsertChars(pos, from, to);
    ImGuiInputTextState* st = ImGui::GetInputTextState(ImGui::GetActiveID());
    if (st && st->TextA.Data == data->Buf && st->TextA.Size < data->BufTextLen + 1) st->TextA.resize(data->BufTextLen + 1);
}

int insertPending(ImGuiInputTextCallbackData* data) {
    auto& text = pendingInsert();
    if (data->EventFlag != ImGuiInputTextFlags_CallbackAlways || text.empty()) return 0;
    if (data->HasSelection()) {
        const int from = std::min(data->SelectionStart, data->SelectionEnd), to = std::max(data->SelectionStart, data->SelectionEnd);
        data->DeleteChars(from, to - from);
        data->CursorPos = from;
    }
    insertChars(data, data->CursorPos, text.data(), text.data() + text.size());
    data->SelectionStart = data->SelectionEnd = data->CursorPos;
    text.clear();
    return 0;
}

bool holdsPrivateUse(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b != 0xEE && b != 0xEF) continue;
        size_t at = i;
        const char32_t c = carry::decodeUtf8(s, at);
        if (at != i && c >= carry::kStandInFirst && c <= carry::kStandInLast) return true;
    }
    return false;
}

// Ctrl+V / Shift+Insert in the active field when the clipboard holds characters ImGui would drop:
// the paste goes through insertPending, and ImGui does not see the key press.
void takeOverPaste(bool multiline) {
    ImGuiIO& io = ImGui::GetIO();
    const int keyV = io.KeyMap[ImGuiKey_V], keyInsert = io.KeyMap[ImGuiKey_Insert];
    int key = -1;
    if (io.KeyCtrl && !io.KeyShift && !io.KeyAlt && keyV >= 0 && ImGui::IsKeyPressed(keyV)) key = keyV;
    else if (io.KeyShift && !io.KeyCtrl && !io.KeyAlt && keyInsert >= 0 && ImGui::IsKeyPressed(keyInsert)) key = keyInsert;
    if (key < 0) return;
    const char* clip = ImGui::GetClipboardText();  // the widget form (carryClipboard)
    if (!clip || !holdsPrivateUse(clip)) return;
    std::string text = clip;
    if (!multiline) std::erase_if(text, [](char c) { return c == '\n' || c == '\r'; });
    pendingInsert() += text;
    io.KeysDownDuration[key] = 0.001f;  // held, not pressed, this frame
}

// ---- soft wrap ----------------------------------------------------------------------------------
// ImGui 1.86 cannot wrap a multi-line field: the field gets soft '\n' at the wrap points (SoftWrap
// knows which), the callback re-wraps after every edit, and the caller only ever sees the logical text.
SoftWrap::Advance advanceOf(const ImFont* font, float size) {
    const float scale = size / font->FontSize;
    return [font, scale](char32_t c) { return (c <= 0xFFFF ? font->GetCharAdvance(ImWchar(c)) : font->FallbackAdvanceX) * scale; };
}

struct WrapLayout {
    float width = 0, hang = 0;
};
// The text width of a multi-line field drawn at `size`: its frame (as InputTextMultiline sizes it)
// less the padding and, always, a vertical scrollbar, so the scrollbar coming and going cannot
// move the breaks. Trailing blanks may hang into the right padding, less one pixel for the caret:
// ImGui 1.86 scrolls the whole field sideways (a quarter of its width) as soon as the caret reaches
// the padding's far side, and the caret after blanks hanging that far was cut off or jumped the
// text sideways.
WrapLayout wrapLayout(const ImVec2& size) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const ImVec2 frame = ImGui::CalcItemSize(size, ImGui::CalcItemWidth(), ImGui::GetFontSize() * 8.0f + st.FramePadding.y * 2.0f);
    return {frame.x - st.FramePadding.x * 2.0f - st.ScrollbarSize, std::max(0.0f, st.FramePadding.x - 1.0f)};
}

bool keyPressed(ImGuiKey key) {
    const int index = ImGui::GetIO().KeyMap[key];
    return index >= 0 && ImGui::IsKeyPressed(index);
}

// Makes the callback's buffer equal `target`, touching only the part that differs.
void replaceBuffer(ImGuiInputTextCallbackData* data, std::string_view target) {
    const std::string_view now(data->Buf, size_t(data->BufTextLen));
    const size_t n = std::min(now.size(), target.size());
    size_t p = 0;
    while (p < n && now[p] == target[p]) ++p;
    size_t sfx = 0;
    while (sfx < n - p && now[now.size() - 1 - sfx] == target[target.size() - 1 - sfx]) ++sfx;
    if (p == now.size() && p == target.size()) return;
    if (now.size() - sfx > p) data->DeleteChars(int(p), int(now.size() - sfx - p));
    if (target.size() - sfx > p) insertChars(data, int(p), target.data() + p, target.data() + target.size() - sfx);
}

// An edit for our undo: a run of typed characters is one step, anything else a step of its own.
void rememberForUndo(WrapField& w, std::string before) {
    const std::string& after = w.wrap.logical();
    if (after == before) return;  // only breaks moved
    ++w.revision;
    const size_t n = std::min(before.size(), after.size());
    size_t p = 0;
    while (p < n && before[p] == after[p]) ++p;
    size_t sfx = 0;
    while (sfx < n - p && before[before.size() - 1 - sfx] == after[after.size() - 1 - sfx]) ++sfx;
    const size_t removed = before.size() - sfx - p, inserted = after.size() - sfx - p;
    size_t next = p;
    if (removed == 0 && inserted > 0) carry::decodeUtf8(after, next);
    const bool oneChar = removed == 0 && inserted > 0 && next == p + inserted;
    const bool typing = oneChar && after[p] != ' ' && after[p] != '\n' && after[p] != '\t';
    if (!(typing && w.typingRun && int(p) == w.runEnd)) {
        w.undo.push_back({std::move(before), w.lastCursor});
        // A bound on what the history holds: 200 steps or 32 MB of text, the oldest go first.
        size_t bytes = 0;
        for (const auto& snap : w.undo) bytes += snap.text.size();
        while (w.undo.size() > 1 && (w.undo.size() > 200 || bytes > (32u << 20))) {
            bytes -= w.undo.front().text.size();
            w.undo.erase(w.undo.begin());
        }
    }
    w.redo.clear();
    w.typingRun = typing;
    w.runEnd = int(p + inserted);
}

int wrappedEdit(ImGuiInputTextCallbackData* data) {
    insertPending(data);
    if (data->EventFlag != ImGuiInputTextFlags_CallbackAlways) return 0;
    auto& f = *static_cast<CarriedField*>(data->UserData);
    if (!f.wrap) return 0;
    WrapField& w = *f.wrap;
    if (!w.session) {
        // ImGui holds the buffer it was given at activation (it reverts to it on Escape).
        w.session = true;
        w.initial = w.wrap.buffer();
        w.initialSofts = w.wrap.softs();
        w.lastCursor = w.wrap.toLogical(data->CursorPos);
    }
    const ImGuiIO& io = ImGui::GetIO();
    const std::string_view now(data->Buf, size_t(data->BufTextLen));
    const bool shortcut = io.KeyCtrl && !io.KeyAlt && !io.KeySuper;
    const bool undo = shortcut && !io.KeyShift && keyPressed(ImGuiKey_Z);
    const bool redo = shortcut && ((!io.KeyShift && keyPressed(ImGuiKey_Y)) || (io.KeyShift && keyPressed(ImGuiKey_Z)));
    if ((undo || redo) && now == w.wrap.buffer()) {
        auto& from = undo ? w.undo : w.redo;
        auto& to = undo ? w.redo : w.undo;
        if (!from.empty()) {
            to.push_back({w.wrap.logical(), w.wrap.toLogical(data->CursorPos)});
            WrapField::Snapshot snap = std::move(from.back());
            from.pop_back();
            w.wrap.setText(snap.text);
            ++w.revision;
            replaceBuffer(data, w.wrap.buffer());
            data->CursorPos = data->SelectionStart = data->SelectionEnd = w.wrap.toBuffer(std::min(snap.cursor, int(snap.text.size())));
            w.typingRun = false;
        }
    } else if (now != w.wrap.buffer()) {
        const SoftWrap::Key key = keyPressed(ImGuiKey_Backspace) ? SoftWrap::Key::Backspace
                                  : keyPressed(ImGuiKey_Delete)  ? SoftWrap::Key::Delete
                                                                 : SoftWrap::Key::Other;
        std::string before = w.wrap.logical();
        // Where the cursor or selection began as the frame began (ImGui counts characters): in bytes.
        int editStart = -1;
        if (w.editStart >= 0) {
            const std::string& buf = w.wrap.buffer();
            const int len = int(buf.size());
            int byte = 0;
            for (int chars = 0; byte < len && chars < w.editStart; ++chars) {
                ++byte;
                while (byte < len && (static_cast<unsigned char>(buf[size_t(byte)]) & 0xC0) == 0x80) ++byte;
            }
            editStart = byte;
        }
        const SoftWrap::Cursor c = w.wrap.edited(now, {data->CursorPos, data->SelectionStart, data->SelectionEnd}, key, editStart);
        rememberForUndo(w, std::move(before));
        replaceBuffer(data, w.wrap.buffer());
        data->CursorPos = c.pos;
        data->SelectionStart = c.selectionStart;
        data->SelectionEnd = c.selectionEnd;
    }
    if (w.wrap.width() != w.wantWidth || w.relayout) {
        // The field changed width (or font) while active: the breaks move, the cursor stays by its text.
        const auto pos = w.wrap.anchorAt(data->CursorPos), a = w.wrap.anchorAt(data->SelectionStart), b = w.wrap.anchorAt(data->SelectionEnd);
        if (!w.wrap.setWidth(w.wantWidth, w.wantHang) && w.relayout) w.wrap.rewrap();
        w.relayout = false;
        replaceBuffer(data, w.wrap.buffer());
        data->CursorPos = w.wrap.place(pos);
        data->SelectionStart = w.wrap.place(a);
        data->SelectionEnd = w.wrap.place(b);
    }
    w.lastCursor = w.wrap.toLogical(data->CursorPos);
    return 0;
}

// The text ImGui copies out of the active field, less the soft breaks it holds (the carried
// clipboard calls this before the text leaves for the system).
std::string withoutSoftBreaks(const char* text) {
    if (!ImGui::GetCurrentContext()) return text;
    const ImGuiID id = ImGui::GetActiveID();
    auto it = carriedFields().find(id);
    ImGuiInputTextState* st = ImGui::GetInputTextState(id);
    if (it == carriedFields().end() || !it->second.wrap || !st) return text;
    // ImGui copies the selection (or all) of its own buffer: the same range of that buffer, as UTF-8.
    const int from = st->HasSelection() ? std::min(st->Stb.select_start, st->Stb.select_end) : 0;
    const int to = st->HasSelection() ? std::max(st->Stb.select_start, st->Stb.select_end) : st->CurLenW;
    std::string now;
    now.reserve(size_t(st->CurLenW) * 2);
    int byteFrom = 0, byteTo = 0, byteCursor = 0;
    for (int k = 0; k <= st->CurLenW; ++k) {
        if (k == from) byteFrom = int(now.size());
        if (k == to) byteTo = int(now.size());
        if (k == st->Stb.cursor) byteCursor = int(now.size());
        if (k < st->CurLenW) carry::appendUtf8(now, st->TextW[k]);
    }
    if (std::string_view(now).substr(size_t(byteFrom), size_t(byteTo - byteFrom)) != text) return text;  // not this copy
    return SoftWrap::strip(now, it->second.wrap->wrap.softsIn(now, byteCursor), byteFrom, byteTo);
}

template <class Draw>
bool carried(const char* label, std::string& s, ImGuiInputTextFlags flags, const ImVec2* multiSize, Draw draw) {
    const bool multiline = multiSize != nullptr;
    auto& fields = carriedFields();
    const int frame = ImGui::GetFrameCount();
    if (fields.size() > 32)  // fields not drawn lately hold copies of their texts
        std::erase_if(fields, [frame](const auto& kv) { return kv.second.lastFrame < frame - 2; });
    const ImGuiID id = ImGui::GetID(label);
    CarriedField& f = fields[id];
    f.lastFrame = frame;
    const bool wrapOn = multiline && g_softWrap;
    bool fresh = false;
    if (f.stored != s || wrapOn != bool(f.wrap)) {
        // The text changed under the field (another record opened, a reload), or wrapping was turned
        // on or off: a field still being edited would write its old buffer over the new text, so it
        // lets go.
        if (ImGui::GetActiveID() == id) ImGui::ClearActiveID();
        fresh = true;
        auto w = carry::toWidget(s);
        f.stored = s;
        f.widget = std::move(w.text);
        f.refusal = w.refusal;
        noteGlyphs(f.widget);
        if (wrapOn) f.wrap = std::make_unique<WrapField>();
        else f.wrap.reset();
    }
    WrapField* wf = f.wrap.get();
    if (wf) {
        const WrapLayout layout = wrapLayout(*multiSize);
        ImFont* font = ImGui::GetFont();
        const float size = ImGui::GetFontSize();
        if (wf->font != font || wf->fontSize != size) {
            wf->font = font;
            wf->fontSize = size;
            wf->wrap.setAdvance(advanceOf(font, size));
            wf->relayout = true;
        }
        wf->wantWidth = layout.width;
        wf->wantHang = layout.hang;
        if (fresh) {
            wf->wrap.setWidth(layout.width, layout.hang);
            wf->wrap.setText(f.widget);
            wf->relayout = false;
            if (f.refusal == carry::Refusal::None) f.widget = wf->wrap.buffer();
        } else if (ImGui::GetActiveID() != id && (wf->relayout || wf->wrap.width() != layout.width)) {
            // Not being edited: laid out again here (while active, the callback does it).
            if (!wf->wrap.setWidth(layout.width, layout.hang) && wf->relayout) wf->wrap.rewrap();
            wf->relayout = false;
            if (f.refusal == carry::Refusal::None) f.widget = wf->wrap.buffer();
        }
    }
    if (f.refusal != carry::Refusal::None) {
        std::string copy = wf ? wf->wrap.buffer() : f.widget;
        draw(copy, flags | ImGuiInputTextFlags_ReadOnly, insertPending, nullptr);
        testhook::mark(std::string("field:") + label);
        testhook::mark(std::string("readonly:") + label);
        ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::warn));
        ImGui::TextWrapped("%s", carry::describe(f.refusal));
        ImGui::PopStyleColor();
        return false;
    }
    const bool editable = !(flags & ImGuiInputTextFlags_ReadOnly);
    if (editable && ImGui::GetActiveID() == id) takeOverPaste(multiline);
    const std::string before = editable ? f.widget : std::string();
    // A text editor keeps its scroll per field id, that is across records: a newly opened text
    // starts at its top, not where the last one was left (often its end).
    if (multiline && fresh) ImGui::SetNextWindowScroll(ImVec2(0, 0));
    if (wf && editable) {
        const uint64_t revision = wf->revision;
        wf->editStart = -1;
        if (ImGuiInputTextState* st = ImGui::GetInputTextState(id); st && ImGui::GetActiveID() == id)
            wf->editStart = std::min({st->Stb.cursor, st->Stb.select_start, st->Stb.select_end});
        bool result = draw(f.widget, flags | ImGuiInputTextFlags_CallbackAlways | ImGuiInputTextFlags_NoUndoRedo, wrappedEdit, &f);
        testhook::mark(std::string("field:") + label);
        const bool activeNow = ImGui::GetActiveID() == id;
        if (f.widget != wf->wrap.buffer()) {
            // A change the callback did not see: Escape reverts to the buffer at activation.
            if (wf->session && f.widget == wf->initial) wf->wrap.adopt(wf->initial, wf->initialSofts);
            else wf->wrap.track(f.widget, int(f.widget.size()));
            ++wf->revision;
            if (!activeNow) {
                wf->wrap.rewrap();
                f.widget = wf->wrap.buffer();
            }
        }
        if (!activeNow) wf->session = false;
        bool changed = false;
        if (f.widget != before || wf->revision != revision) {
            std::string stored = carry::fromWidget(wf->wrap.logical());
            changed = stored != s;
            s = std::move(stored);
            f.stored = s;
            noteGlyphs(f.widget);
        }
        // A move of the breaks alone is no edit.
        return (flags & ImGuiInputTextFlags_EnterReturnsTrue) ? result : changed;
    }
    bool result = draw(f.widget, editable ? flags | ImGuiInputTextFlags_CallbackAlways : flags, insertPending, nullptr);
    testhook::mark(std::string("field:") + label);
    if (editable && f.widget != before) {
        s = carry::fromWidget(f.widget);
        f.stored = s;
        noteGlyphs(f.widget);
        result = result || !(flags & ImGuiInputTextFlags_EnterReturnsTrue);
    }
    return result;
}
} // namespace

void setSoftWrap(bool on) { g_softWrap = on; }
bool softWrap() { return g_softWrap; }

bool wrapToggle(ViewOptions& view) {
    bool on = view.wrapText;
    const bool clicked = ImGui::Checkbox("Wrap", &on);
    testhook::mark("wrap:toggle");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Wrap long lines in the text fields (the text itself is unchanged)");
    if (clicked) {
        view.wrapText = on;
        setSoftWrap(on);
    }
    return clicked;
}

float wrapToggleX(float margin) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float boxW = ImGui::GetFrameHeight() + st.ItemInnerSpacing.x + ImGui::CalcTextSize("Wrap").x;
    return ImGui::GetCursorPosX() + std::max(0.0f, ImGui::GetContentRegionAvail().x - boxW - margin);
}

bool wrapToggleAt(ViewOptions& view, float y) {
    const ImVec2 back = ImGui::GetCursorPos();
    const float margin = ImGui::GetStyle().FramePadding.x;  // the fields' padding, before this one's
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2, 0));  // as tall as a line of text
    const float x = wrapToggleX(margin);
    ImGui::SetCursorPos({x, y});
    const bool clicked = wrapToggle(view);
    ImGui::PopStyleVar();
    ImGui::SetCursorPos(back);
    return clicked;
}

bool inputText(const char* label, std::string& s, ImGuiInputTextFlags flags) {
    return carried(label, s, flags, nullptr, [&](std::string& buf, ImGuiInputTextFlags f, ImGuiInputTextCallback cb, void* user) {
        return ImGui::InputText(label, &buf, f, cb, user);
    });
}
bool inputMultiline(const char* label, std::string& s, const ImVec2& size, ImGuiInputTextFlags flags) {
    return carried(label, s, flags, &size, [&](std::string& buf, ImGuiInputTextFlags f, ImGuiInputTextCallback cb, void* user) {
        return ImGui::InputTextMultiline(label, &buf, size, f, cb, user);
    });
}
bool inputWithHint(const char* label, const char* hint, std::string& s, ImGuiInputTextFlags flags) {
    return carried(label, s, flags, nullptr, [&](std::string& buf, ImGuiInputTextFlags f, ImGuiInputTextCallback cb, void* user) {
        return ImGui::InputTextWithHint(label, hint, &buf, f, cb, user);
    });
}

std::string languageLabel(const std::string& code) {
    if (code.empty()) return "not known";
    if (const char* name = languageName(code)) return std::string(name) + " (" + code + ")";
    return code;
}

bool languagePicker(const char* id, std::optional<std::string>& code, bool withAny, std::string& other) {
    const std::string preview = !code ? std::string("any language") : languageLabel(*code);
    bool changed = false;
    ImGui::PushID(id);
    if (ImGui::BeginCombo("##language", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        auto item = [&](const std::string& label, const std::optional<std::string>& value) {
            if (ImGui::Selectable(label.c_str(), code == value) && code != value) code = value, changed = true;
            testhook::mark("language:" + label);
            if (code == value && ImGui::IsWindowAppearing()) ImGui::SetScrollHereY();
        };
        if (withAny) item("any language", std::nullopt);
        item("not known", std::string());
        for (const auto& c : knownLanguages()) item(languageLabel(c), c);
        ImGui::Separator();
        ImGui::SetNextItemWidth(-1);
        // Another code: typed, Enter takes it (lower case) when it has a code's shape.
        if (inputWithHint("##other", "other code, e.g. pt-br (Enter)", other, ImGuiInputTextFlags_EnterReturnsTrue)) {
            std::string lower = other;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (isLanguageCode(lower)) {
                if (code != lower) code = lower, changed = true;
                other.clear();
                ImGui::CloseCurrentPopup();
            }
        }
        if (!other.empty()) {
            std::string lower = other;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (!isLanguageCode(lower)) ImGui::TextColored(toVec(color::warn), "2-3 letters, then -xx if needed");
        }
        ImGui::EndCombo();
    }
    ImGui::PopID();
    return changed;
}

void typeCharacter(char32_t c) {
    if (c > 0x10FFFF) return;
    if (c <= 0xFFFF && !(c >= carry::kStandInFirst && c <= carry::kStandInLast)) {
        ImGui::GetIO().AddInputCharacter(unsigned(c));
        return;
    }
    if (!ImGui::GetIO().WantTextInput) return;  // no field to receive it
    if (auto standIn = carry::standInFor(c)) carry::appendUtf8(pendingInsert(), *standIn);
}

namespace {
const char* carriedClipboardText(void*);

struct ClipboardChain {
    const char* (*get)(void*) = nullptr;
    void (*set)(void*, const char*) = nullptr;
    void* user = nullptr;
    std::string pasted;
};
ClipboardChain& clipboardChain() {
    static ClipboardChain c;
    return c;
}
const char* carriedClipboardText(void*) {
    auto& c = clipboardChain();
    const char* text = c.get(c.user);
    c.pasted = carry::toWidget(text ? text : "").text;
    return c.pasted.c_str();
}
} // namespace

void carryClipboard() {
    ImGuiIO& io = ImGui::GetIO();
    auto& chain = clipboardChain();
    if (io.GetClipboardTextFn == nullptr || io.SetClipboardTextFn == nullptr) return;
    if (io.GetClipboardTextFn == carriedClipboardText) return;  // already carried
    chain.get = io.GetClipboardTextFn;
    chain.set = io.SetClipboardTextFn;
    chain.user = io.ClipboardUserData;
    // A copy out of a field holds stand-ins: the system clipboard gets the real characters. A paste
    // becomes stand-ins so the field can hold it.
    io.SetClipboardTextFn = [](void*, const char* text) {
        auto& c = clipboardChain();
        c.set(c.user, carry::fromWidget(withoutSoftBreaks(text ? text : "")).c_str());
    };
    io.GetClipboardTextFn = carriedClipboardText;
    io.ClipboardUserData = nullptr;
}

void copyToClipboard(const std::string& stored) { ImGui::SetClipboardText(carry::toWidget(stored).text.c_str()); }

// ---- display form ------------------------------------------------------------------------------
namespace {
bool isRightToLeft(char32_t c) { return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF); }

// One line in display order with Arabic letters joined (fribidi); the stored text stays logical.
std::string visualLine(std::string_view line, FriBidiParType base) {
    std::vector<FriBidiChar> logical;
    logical.reserve(line.size());
    for (size_t i = 0; i < line.size();) {
        const size_t at = i;
        char32_t c = carry::decodeUtf8(line, i);
        if (i == at) c = 0xFFFD, ++i;
        logical.push_back(c);
    }
    std::vector<FriBidiChar> visual(logical.size() + 1);
    if (!fribidi_log2vis(logical.data(), FriBidiStrIndex(logical.size()), &base, visual.data(), nullptr, nullptr, nullptr))
        return std::string(line);
    std::string out;
    out.reserve(line.size());
    for (size_t k = 0; k < logical.size(); ++k)
        if (visual[k] != 0xFEFF && visual[k] != 0x200B) carry::appendUtf8(out, visual[k]);  // joiners fribidi leaves
    return out;
}

std::string visualText(std::string_view text, FriBidiParType base) {
    std::string out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        out += visualLine(text.substr(start, nl - start), base);
        if (nl < text.size()) out += '\n';
        start = nl + 1;
    }
    return out;
}

// Notes every character of `text` (as drawn) that the current font lacks.
void noteGlyphs(std::string_view text) {
    if (!ImGui::GetCurrentContext()) return;
    const ImFont* font = ImGui::GetFont();
    if (!font || !font->ContainerAtlas) return;
    for (size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const size_t at = i;
        const char32_t c = carry::decodeUtf8(text, i);
        if (i == at) {
            ++i;
            continue;
        }
        if (c <= 0xFFFF && !font->FindGlyphNoFallback(ImWchar(c))) glyphs::noteMissing(c);
    }
}

// The display form, or nullopt when the stored text draws as it is.
std::optional<std::string> displayForm(std::string_view stored, FriBidiParType base = FRIBIDI_PAR_ON) {
    bool carry = false, rtl = false;
    for (size_t i = 0; i < stored.size();) {
        const auto b = static_cast<unsigned char>(stored[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        const size_t at = i;
        const char32_t c = carry::decodeUtf8(stored, i);
        if (i == at) {
            ++i;
            continue;
        }
        carry = carry || c > 0xFFFF || (c >= carry::kStandInFirst && c <= carry::kStandInLast);
        rtl = rtl || isRightToLeft(c);
    }
    if (!carry && !rtl) {
        noteGlyphs(stored);
        return std::nullopt;
    }
    // An ImGui label's "##id" part is an id, not text: it keeps its place.
    const size_t idAt = stored.find("##");
    std::string_view text = stored.substr(0, idAt);
    std::string out = carry ? carry::toWidget(text).text : std::string(text);
    if (rtl) {
        static std::unordered_map<std::string, std::string> cache;  // UI thread only
        if (cache.size() > 4096) cache.clear();
        const std::string key = std::to_string(int(base)) + ":" + out;
        auto it = cache.find(key);
        if (it == cache.end()) it = cache.emplace(key, visualText(out, base)).first;
        out = it->second;
    }
    if (idAt != std::string_view::npos) out.append(stored.substr(idAt));
    noteGlyphs(out);
    return out;
}

// Display forms live until the next frame, like ImGui's own per-frame text.
const char* keepForFrame(std::string text) {
    static int frame = -1;
    static std::deque<std::string> texts;
    const int now = ImGui::GetCurrentContext() ? ImGui::GetFrameCount() : 0;
    if (frame != now) {
        texts.clear();
        frame = now;
    }
    texts.push_back(std::move(text));
    return texts.back().c_str();
}
} // namespace

const char* shown(std::string_view stored) {
    auto form = displayForm(stored);
    return keepForFrame(form ? std::move(*form) : std::string(stored));
}
const char* shown(const std::string& stored) {
    auto form = displayForm(stored);
    return form ? keepForFrame(std::move(*form)) : stored.c_str();
}

void caption(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
}

void sectionHeader(const Fonts& fonts, const char* text) {
    ImGui::Spacing();
    ImGui::PushFont(fonts.bold);
    ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::accent));
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine({p.x, p.y - 2}, {p.x + ImGui::GetContentRegionAvail().x, p.y - 2}, IM_COL32(60, 68, 88, 255));
    ImGui::Spacing();
}

// ---- picker ------------------------------------------------------------------------------------
namespace {
const Picker* g_openPicker = nullptr;  // one dropdown open at a time
} // namespace

void Picker::trackOpen(bool inputActive, bool enter) {
    if (inputActive) {
        m_open = true;
        g_openPicker = this;
    }
    // Tab or Escape left the field (a click may be on an entry of the list: that closes it itself).
    const bool leftByKey = ImGui::IsItemDeactivated() && !enter && !ImGui::IsMouseDown(0) && !ImGui::IsMouseReleased(0);
    if (m_open && (leftByKey || g_openPicker != this)) close();
}

Picker::~Picker() {
    if (g_openPicker == this) g_openPicker = nullptr;
}

void Picker::close() {
    m_open = false;
    m_query.clear();
    m_highlight = 0;
}

void Picker::requestMatches(AppContext& ctx) {
    if (m_query == m_requested) return;
    m_requested = m_query;
    const uint64_t token = ++m_token;
    std::weak_ptr<int> alive = m_alive;
    auto query = m_query;
    auto kind = m_kind;
    auto lookupId = m_lookupId;
    ctx.worker().post(
        [this, alive, token, query, kind, lookupId](Store& s) -> Worker::UiCallback {
            auto hits = uiq::findNames(s, kind, trim(query), 8, lookupId);
            std::vector<Choice> choices;
            for (auto& h : hits) choices.push_back({h.id, h.label, h.detail});
            return [this, alive, token, choices = std::move(choices)]() mutable {
                if (alive.expired() || token != m_token) return;  // a newer query is on its way
                m_matches = std::move(choices);
            };
        },
        "picker:" + std::to_string(reinterpret_cast<uintptr_t>(this)));
}

std::optional<std::string> Picker::resolve(AppContext& ctx, const PickerEntry& e) {
    if (e.kind == PickerEntry::Kind::Existing) return e.id;
    Store& s = ctx.store();
    std::string id;
    try {
        switch (m_kind) {
        case Kind::Model: id = s.findOrCreateModel(e.name).id; break;
        case Kind::Agent: id = s.findOrCreateAgent(e.name).id; break;
        case Kind::Tag: id = s.findOrCreateTag(e.name).id; break;
        case Kind::QaActivity: id = s.findOrCreateQaActivity(e.name).id; break;
        case Kind::Prompt: id = s.findOrCreatePrompt(e.name, e.name).id; break;
        case Kind::LookupValue: {
            for (auto& v : s.lookupValues(m_lookupId))
                if (!v.deleted() && equalsIgnoreCase(v.value, e.name)) id = v.id;
            if (id.empty()) id = s.createLookupValue({.lookupId = m_lookupId, .value = e.name}).id;
            break;
        }
        default: return std::nullopt;
        }
    } catch (const std::exception& ex) {
        ctx.error(ex.what());
        return std::nullopt;
    }
    ctx.dataChanged();
    ctx.notice("Created " + m_noun + " '" + e.name + "'");
    m_requested = "\x01";  // the new record changes the matches
    return id;
}

std::optional<std::string> Picker::drawList(AppContext& ctx, const std::vector<std::string>& excludeIds, bool activated) {
    std::vector<Choice> visible;
    for (auto& m : m_matches)
        if (std::find(excludeIds.begin(), excludeIds.end(), m.id) == excludeIds.end()) visible.push_back(m);
    auto entries = pickerEntries(m_query, visible, m_noun, m_allowCreate);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) m_highlight = moveHighlight(m_highlight, 1, int(entries.size()));
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) m_highlight = moveHighlight(m_highlight, -1, int(entries.size()));
    if (m_highlight >= int(entries.size())) m_highlight = int(entries.size()) - 1;
    if (m_highlight < 0 && !entries.empty()) m_highlight = 0;
    std::optional<std::string> picked;
    if (activated && m_highlight >= 0 && m_highlight < int(entries.size())) picked = resolve(ctx, entries[m_highlight]);
    const float rowH = ImGui::GetTextLineHeightWithSpacing();
    const float h = std::min<float>(8.5f, std::max<float>(1.0f, float(entries.size()))) * rowH + ImGui::GetStyle().WindowPadding.y;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_PopupBg));
    ImGui::BeginChild("##matches", ImVec2(ImGui::GetContentRegionAvail().x, h), true);
    testhook::mark("pickerlist:" + m_noun);
    if (entries.empty()) caption(m_query.empty() ? "Type to search" : "No match");
    for (int i = 0; i < int(entries.size()) && !picked; ++i) {
        const auto& e = entries[i];
        ImGui::PushID(i);
        if (e.kind == PickerEntry::Kind::Create) ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::good));
        bool sel = ImGui::Selectable(shown(e.label), i == m_highlight);
        testhook::mark(std::string("picker:") + m_noun + ":" + (e.kind == PickerEntry::Kind::Create ? "+new" : e.label));
        if (e.kind == PickerEntry::Kind::Create) ImGui::PopStyleColor();
        if (i == m_highlight && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))))
            ImGui::SetScrollHereY();
        if (sel) picked = resolve(ctx, e);
        ImGui::PopID();
    }
    // By rect: while an item is active ImGui reports no window as hovered, and a click on an entry
    // makes that entry active before this check runs.
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    bool hovered = ImGui::IsMouseHoveringRect(wp, {wp.x + ws.x, wp.y + ws.y}, false);
    ImGui::EndChild();
    ImGui::PopStyleColor();
    if (!hovered && ImGui::IsMouseClicked(0) && !ImGui::IsItemHovered()) m_open = false;
    return picked;
}

bool Picker::drawSingle(AppContext& ctx, const char* id, std::optional<std::string>& value, const std::string& currentLabel) {
    ImGui::PushID(id);
    bool changed = false;
    const float buttons = value ? ImGui::GetFrameHeight() * 2 + ImGui::GetStyle().ItemSpacing.x * 2 : 0.0f;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - buttons);
    std::string hint = value ? currentLabel : m_allowCreate ? "none — type to search or create" : "none — type to search";
    if (m_refocus) {
        ImGui::SetKeyboardFocusHere();
        m_refocus = false;
    }
    if (value) ImGui::PushStyleColor(ImGuiCol_TextDisabled, ImGui::GetStyleColorVec4(ImGuiCol_Text));
    bool enter = inputWithHint("##q", shown(hint), m_query, ImGuiInputTextFlags_EnterReturnsTrue);
    if (value) ImGui::PopStyleColor();
    testhook::mark(std::string("pickerinput:") + id);
    bool inputActive = ImGui::IsItemActive();
    bool inputHovered = ImGui::IsItemHovered();
    trackOpen(inputActive, enter);
    if (value) {
        ImGui::SameLine();
        if (ImGui::Button("→", ImVec2(ImGui::GetFrameHeight(), 0))) ctx.open({m_kind, *value});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open this %s", shown(m_noun));
        testhook::mark(std::string("pickerjump:") + id);
        ImGui::SameLine();
        if (ImGui::Button("×", ImVec2(ImGui::GetFrameHeight(), 0))) {
            value.reset();
            changed = true;
            close();
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Clear");
    }
    if (m_open) {
        if (inputActive && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) close();
        else {
            requestMatches(ctx);
            auto picked = drawList(ctx, {}, enter);
            if (!m_open && inputHovered) m_open = true;
            if (picked) {
                if (value != *picked) changed = true;
                value = *picked;
                close();
            }
        }
    }
    ImGui::PopID();
    return changed;
}

std::optional<std::string> Picker::drawAdd(AppContext& ctx, const char* id, const char* hint, const std::vector<std::string>& excludeIds) {
    ImGui::PushID(id);
    std::optional<std::string> picked;
    if (m_refocus) {
        ImGui::SetKeyboardFocusHere();
        m_refocus = false;
    }
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    bool enter = inputWithHint("##add", hint, m_query, ImGuiInputTextFlags_EnterReturnsTrue);
    testhook::mark(std::string("pickerinput:") + id);
    bool inputActive = ImGui::IsItemActive();
    bool inputHovered = ImGui::IsItemHovered();
    trackOpen(inputActive, enter);
    if (m_open) {
        if (inputActive && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) close();
        else {
            requestMatches(ctx);
            picked = drawList(ctx, excludeIds, enter && !trim(m_query).empty());
            if (!m_open && inputHovered) m_open = true;
            if (picked) {
                m_query.clear();
                m_refocus = true;  // keep typing the next tag
            }
        }
    }
    ImGui::PopID();
    return picked;
}

bool chip(const std::string& id, const std::string& label, bool removable) {
    ImGui::PushID(id.c_str());
    const ImVec2 pad(8, 3);
    const std::string text = std::string(shown(label)) + (removable ? "  ×" : "");
    ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    ImVec2 size(ts.x + pad.x * 2, ts.y + pad.y * 2);
    if (ImGui::GetCursorPosX() > ImGui::GetStyle().WindowPadding.x + 1 &&
        ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + size.x > ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
        ImGui::NewLine();
    ImVec2 p = ImGui::GetCursorScreenPos();
    bool clicked = ImGui::InvisibleButton("##chip", size);
    bool hovered = ImGui::IsItemHovered();
    auto* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, {p.x + size.x, p.y + size.y}, hovered && removable ? color::chipHover : color::chip, size.y * 0.5f);
    dl->AddText({p.x + pad.x, p.y + pad.y}, ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
    if (hovered && removable) ImGui::SetTooltip("Remove '%s'", shown(label));
    testhook::mark("chip:" + label);
    ImGui::PopID();
    return clicked && removable;
}

// ---- flowed text -------------------------------------------------------------------------------
void flowText(const std::vector<TextRun>& runs, float indent) {
    auto* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float left = origin.x + indent;
    const float right = origin.x + std::max(60.0f, ImGui::GetContentRegionAvail().x);
    float x = left, y = origin.y, lineH = ImGui::GetTextLineHeight();
    const ImU32 defaultColor = ImGui::GetColorU32(ImGuiCol_Text);
    const float clipTop = ImGui::GetWindowPos().y - 200, clipBottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight() + 200;
    // The runs are one paragraph: its first strong character sets the direction of every run.
    FriBidiParType base = FRIBIDI_PAR_LTR;
    for (const auto& run : runs) {
        bool found = false;
        for (size_t i = 0; i < run.text.size() && !found;) {
            const size_t at = i;
            const char32_t c = carry::decodeUtf8(run.text, i);
            if (i == at) {
                ++i;
                continue;
            }
            const FriBidiCharType type = fribidi_get_bidi_type(c);
            if (FRIBIDI_IS_LETTER(type)) {
                base = FRIBIDI_IS_RTL(type) ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
                found = true;
            }
        }
        if (found) break;
    }
    for (const auto& run : runs) {
        ImFont* font = run.font ? run.font : ImGui::GetFont();
        const float size = font->FontSize;
        lineH = std::max(lineH, size);
        size_t i = 0;
        const std::optional<std::string> form = displayForm(run.text, base);
        const std::string& t = form ? *form : run.text;
        while (i < t.size()) {
            if (t[i] == '\n') {
                x = left;
                y += lineH + 2;
                ++i;
                continue;
            }
            size_t j = i;
            while (j < t.size() && t[j] != ' ' && t[j] != '\n') ++j;
            while (j < t.size() && t[j] == ' ') ++j;
            const char* b = t.data() + i;
            const char* e = t.data() + j;
            ImVec2 ws = font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e);
            if (x + ws.x > right && x > left) {
                x = left;
                y += lineH + 2;
            }
            // A word wider than the line: cut it where it fits.
            while (ws.x > right - left && e > b + 1) {
                const char* cut = font->CalcWordWrapPositionA(size / font->FontSize, b, e, right - x);
                if (cut <= b) cut = b + 1;
                if (y > clipTop && y < clipBottom) dl->AddText(font, size, {x, y}, run.color ? run.color : defaultColor, b, cut);
                b = cut;
                x = left;
                y += lineH + 2;
                ws = font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e);
            }
            if (y > clipTop && y < clipBottom) {
                if (run.bg) dl->AddRectFilled({x - 1, y}, {x + ws.x + 1, y + size + 1}, run.bg, 3.0f);
                dl->AddText(font, size, {x, y}, run.color ? run.color : defaultColor, b, e);
                if (run.strike) dl->AddLine({x, y + size * 0.55f}, {x + ws.x, y + size * 0.55f}, run.color ? run.color : defaultColor);
                if (run.underline) dl->AddLine({x, y + size}, {x + ws.x, y + size}, run.color ? run.color : defaultColor);
            }
            x += ws.x;
            i = j;
        }
    }
    ImGui::Dummy(ImVec2(right - origin.x, y + lineH - origin.y + 2));
}

void drawWordDiff(const std::vector<DiffSpan>& spans, const Fonts& fonts) {
    std::vector<TextRun> runs;
    for (const auto& s : spans) {
        TextRun r;
        r.text = s.text;
        r.font = fonts.body;
        if (s.op == DiffSpan::Op::Insert) r.bg = color::insertBg;
        if (s.op == DiffSpan::Op::Delete) {
            r.bg = color::deleteBg;
            r.strike = true;
            r.color = IM_COL32(235, 200, 200, 255);
        }
        runs.push_back(std::move(r));
    }
    flowText(runs);
}

// ---- Markdown ----------------------------------------------------------------------------------
struct MarkdownView::Block {
    enum class Type { Para, Heading, Code, Item, Quote, Rule, TableRow } type = Type::Para;
    int level = 0;       // heading level, list depth
    std::string marker;  // "•" or "3."
    struct Span {
        std::string text;
        bool bold = false, italic = false, code = false, link = false, strike = false;
    };
    std::vector<Span> spans;
};

namespace {
struct MdBuilder {
    std::vector<MarkdownView::Block>* out;
    int listDepth = 0;
    std::vector<std::pair<bool, unsigned>> lists;  // ordered?, next number
    int bold = 0, italic = 0, code = 0, link = 0, strike = 0;
    bool inCodeBlock = false, inQuote = false, inCell = false;
};
} // namespace

std::vector<MarkdownView::Block> MarkdownView::parse(const std::string& source) {
    std::vector<Block> out;
    MdBuilder b{&out};
    MD_PARSER parser{};
    parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_TASKLISTS;
    parser.enter_block = [](MD_BLOCKTYPE t, void* detail, void* ud) -> int {
        auto& b = *static_cast<MdBuilder*>(ud);
        auto push = [&](Block::Type type, int level = 0, std::string marker = "") {
            Block blk;
            blk.type = type;
            blk.level = level;
            blk.marker = std::move(marker);
            b.out->push_back(std::move(blk));
        };
        switch (t) {
        case MD_BLOCK_UL: b.lists.push_back({false, 0}); break;
        case MD_BLOCK_OL: b.lists.push_back({true, static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start}); break;
        case MD_BLOCK_LI: {
            std::string marker = "•";
            if (!b.lists.empty() && b.lists.back().first) marker = std::to_string(b.lists.back().second++) + ".";
            auto* li = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
            if (li->is_task) marker = (li->task_mark == ' ') ? "☐" : "☑";
            push(Block::Type::Item, static_cast<int>(b.lists.size()), marker);
            break;
        }
        case MD_BLOCK_H: push(Block::Type::Heading, static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level)); break;
        case MD_BLOCK_CODE: b.inCodeBlock = true; push(Block::Type::Code); break;
        case MD_BLOCK_QUOTE: b.inQuote = true; break;
        case MD_BLOCK_HR: push(Block::Type::Rule); break;
        case MD_BLOCK_TR: push(Block::Type::TableRow); break;
        case MD_BLOCK_P:
            // A paragraph directly inside a list item continues that item.
            if (!b.out->empty() && b.out->back().type == Block::Type::Item && b.out->back().spans.empty()) break;
            push(b.inQuote ? Block::Type::Quote : Block::Type::Para);
            break;
        default: break;
        }
        return 0;
    };
    parser.leave_block = [](MD_BLOCKTYPE t, void*, void* ud) -> int {
        auto& b = *static_cast<MdBuilder*>(ud);
        if (t == MD_BLOCK_UL || t == MD_BLOCK_OL) b.lists.pop_back();
        if (t == MD_BLOCK_CODE) b.inCodeBlock = false;
        if (t == MD_BLOCK_QUOTE) b.inQuote = false;
        if ((t == MD_BLOCK_TD || t == MD_BLOCK_TH) && !b.out->empty()) b.out->back().spans.push_back({" │ "});
        return 0;
    };
    parser.enter_span = [](MD_SPANTYPE t, void*, void* ud) -> int {
        auto& b = *static_cast<MdBuilder*>(ud);
        if (t == MD_SPAN_STRONG) ++b.bold;
        if (t == MD_SPAN_EM) ++b.italic;
        if (t == MD_SPAN_CODE) ++b.code;
        if (t == MD_SPAN_A) ++b.link;
        if (t == MD_SPAN_DEL) ++b.strike;
        return 0;
    };
    parser.leave_span = [](MD_SPANTYPE t, void*, void* ud) -> int {
        auto& b = *static_cast<MdBuilder*>(ud);
        if (t == MD_SPAN_STRONG) --b.bold;
        if (t == MD_SPAN_EM) --b.italic;
        if (t == MD_SPAN_CODE) --b.code;
        if (t == MD_SPAN_A) --b.link;
        if (t == MD_SPAN_DEL) --b.strike;
        return 0;
    };
    parser.text = [](MD_TEXTTYPE t, const MD_CHAR* text, MD_SIZE size, void* ud) -> int {
        auto& b = *static_cast<MdBuilder*>(ud);
        if (b.out->empty()) b.out->push_back({});
        std::string s;
        if (t == MD_TEXT_SOFTBR) s = "\n";  // a line break in an answer is meant (a poem, an address)
        else if (t == MD_TEXT_BR) s = "\n";
        else if (t == MD_TEXT_NULLCHAR) s = "\xEF\xBF\xBD";
        else s.assign(text, size);
        auto& spans = b.out->back().spans;
        Block::Span sp{s, b.bold > 0, b.italic > 0, b.code > 0, b.link > 0, b.strike > 0};
        if (!spans.empty() && spans.back().bold == sp.bold && spans.back().italic == sp.italic && spans.back().code == sp.code &&
            spans.back().link == sp.link && spans.back().strike == sp.strike)
            spans.back().text += s;
        else
            spans.push_back(std::move(sp));
        return 0;
    };
    md_parse(source.data(), static_cast<MD_SIZE>(source.size()), &parser, &b);
    return out;
}

std::vector<TextRun> MarkdownView::runsOf(const Block& blk, const Fonts& fonts) {
    std::vector<TextRun> runs;
    ImFont* base = blk.type == Block::Type::Heading ? fonts.heading : blk.type == Block::Type::Code ? fonts.mono : fonts.body;
    for (const auto& sp : blk.spans) {
        TextRun r;
        r.text = sp.text;
        r.font = sp.code ? fonts.mono : sp.bold ? fonts.bold : sp.italic && base == fonts.body ? fonts.italic : base;
        if (sp.code && blk.type != Block::Type::Code) r.bg = color::codeBg, r.color = IM_COL32(240, 200, 150, 255);
        if (sp.link) r.color = color::accent, r.underline = true;
        if (sp.italic && !sp.bold) r.color = IM_COL32(200, 208, 225, 255);
        if (sp.strike) r.strike = true;
        if (blk.type == Block::Type::Quote) r.color = color::muted;
        runs.push_back(std::move(r));
    }
    return runs;
}

std::vector<std::vector<TextRun>> MarkdownView::previewRuns(const std::string& source, const Fonts& fonts) {
    std::vector<std::vector<TextRun>> out;
    for (const auto& blk : parse(source)) out.push_back(runsOf(blk, fonts));
    return out;
}

void MarkdownView::draw(const std::string& source, const Fonts& fonts) {
    if (source != m_source || !m_blocks) {
        m_source = source;
        m_blocks = std::make_shared<std::vector<Block>>(parse(source));
    }
    for (const auto& blk : *m_blocks) {
        std::vector<TextRun> runs = runsOf(blk, fonts);
        switch (blk.type) {
        case Block::Type::Rule: ImGui::Separator(); break;
        case Block::Type::Heading:
            ImGui::Spacing();
            flowText(runs);
            break;
        case Block::Type::Code: {
            if (!runs.empty() && !runs.back().text.empty() && runs.back().text.back() == '\n') runs.back().text.pop_back();
            ImVec2 p = ImGui::GetCursorScreenPos();
            auto* dl = ImGui::GetWindowDrawList();
            dl->ChannelsSplit(2);
            dl->ChannelsSetCurrent(1);
            ImGui::Indent(8);
            ImGui::Dummy({0, 2});
            flowText(runs);
            ImGui::Unindent(8);
            dl->ChannelsSetCurrent(0);
            dl->AddRectFilled(p, {p.x + ImGui::GetContentRegionAvail().x, ImGui::GetItemRectMax().y + 4}, color::codeBg, 5.0f);
            dl->ChannelsMerge();
            ImGui::Dummy({0, 4});
            break;
        }
        case Block::Type::Item: {
            float indent = 18.0f * float(blk.level);
            ImVec2 p = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddText({p.x + indent - 14.0f - (blk.marker.size() > 3 ? 8.0f : 0.0f), p.y}, color::accent, shown(blk.marker));
            flowText(runs, indent);
            break;
        }
        case Block::Type::Quote: {
            ImVec2 p = ImGui::GetCursorScreenPos();
            flowText(runs, 12.0f);
            ImGui::GetWindowDrawList()->AddLine({p.x + 3, p.y}, {p.x + 3, ImGui::GetItemRectMax().y}, color::muted, 3.0f);
            break;
        }
        default: flowText(runs); break;
        }
    }
}

} // namespace pv::ui
