// Soft word wrap for a multi-line text field that cannot wrap by itself (ImGui 1.86's
// InputTextMultiline): the field edits a buffer holding the logical text plus soft '\n' at the wrap
// points, and this class keeps the offsets of those soft breaks, so that the logical text (what is
// stored, copied, compared) is always exactly recoverable. Plain text work: the only outside input
// is the width of a character, injected.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pv::ui {

class SoftWrap {
public:
    // Width in pixels of one code point as the field draws it.
    using Advance = std::function<float(char32_t)>;

    // Logical offsets (bytes) before which a soft break goes, for `logical` laid out at `width`.
    // Lines break after a run of blanks; a word wider than the line is cut between characters.
    // Trailing blanks may hang up to `hang` pixels past the width (they draw nothing).
    static std::vector<int> wrapPoints(std::string_view logical, float width, float hang, const Advance& advance);

    explicit SoftWrap(Advance advance = nullptr) : m_advance(std::move(advance)) {}
    void setAdvance(Advance advance) { m_advance = std::move(advance); }

    // A new logical text: laid out at the current width.
    void setText(std::string_view logical);
    // A new width: true when the wrap points moved (the buffer changed).
    bool setWidth(float width, float hang);
    // Re-lays the current logical text out (after a font change).
    void rewrap();
    float width() const { return m_width; }

    const std::string& buffer() const { return m_buffer; }
    // Buffer offsets of the soft '\n', ascending.
    const std::vector<int>& softs() const { return m_softs; }
    const std::string& logical() const { return m_logical; }

    // Buffer offset -> logical offset (a soft break at the offset itself is after it, not counted).
    int toLogical(int bufferPos) const;
    // Logical offset -> buffer offset; at a wrap point, `afterBreak` picks the start of the next line.
    int toBuffer(int logicalPos, bool afterBreak = true) const;
    // A buffer position as a logical one plus its side of a soft break, to survive a re-layout.
    struct Anchor {
        int pos = 0;
        bool afterBreak = true;
    };
    Anchor anchorAt(int bufferPos) const;
    int place(Anchor a) const { return toBuffer(a.pos, a.afterBreak); }

    struct Cursor {
        int pos = 0, selectionStart = 0, selectionEnd = 0;
    };
    // Which key made an edit that removed nothing but soft breaks: it then removes the logical
    // character before (Backspace) or after (Delete) the break, as the person meant.
    enum class Key { Other, Backspace, Delete };

    // The field's buffer was edited from buffer() to `now` (cursor in `now`): the soft breaks the edit
    // left are tracked, the text is re-wrapped, and the cursor comes back mapped into the new buffer().
    // `editStart`: where the field's cursor or selection began before the edit (buffer offset, -1 when
    // unknown); it settles which '\n' is which when a typed one meets a soft break.
    Cursor edited(std::string_view now, Cursor cursor, Key key = Key::Other, int editStart = -1);
    // Tracks an edit without re-wrapping (a change the field made that must not be fought while it owns
    // the buffer): afterwards buffer() == now.
    void track(std::string_view now, int cursor);
    // Takes over a buffer whose soft breaks are known (the field reverted to an earlier buffer).
    void adopt(std::string buffer, std::vector<int> softs);
    // Soft breaks that survive in `now`, an edit of buffer() (cursor in `now`), without changing anything.
    std::vector<int> softsIn(std::string_view now, int cursor) const;

    // `buf` [from, to) without the soft breaks listed in `softs` (buffer offsets, ascending).
    static std::string strip(std::string_view buf, const std::vector<int>& softs, int from, int to);

private:
    struct Change {
        int prefix = 0;      // bytes unchanged at the start
        int oldEnd = 0;      // end of the replaced region in the old buffer
        int newEnd = 0;      // end of the inserted region in the new buffer
    };
    // The replaced region, aligned so that it ends at or before the cursor's side (an insertion ends at
    // the cursor): among equal characters the edit is put where the person made it.
    Change diff(std::string_view before, std::string_view now, int cursor, int editStart = -1) const;
    std::vector<int> surviving(const Change& c) const;
    void layout(std::string logical);
    // The buffer and soft offsets of m_logical broken at m_points.
    void build();

    Advance m_advance;
    float m_width = 1e9f;
    float m_hang = 0.0f;
    std::string m_logical;
    std::string m_buffer;
    std::vector<int> m_softs;
    std::vector<int> m_points;  // the same breaks as logical offsets
};

} // namespace pv::ui
