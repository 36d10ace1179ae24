// Base of the record editors: a draft that is only written by save(), so switching records or
// closing the window can ask Save / Discard / Cancel. While there are unsaved edits the App keeps
// them in the vault's pv_drafts table (unsavedDraft / restoreDraft), so a crash loses nothing; when
// the vault changes elsewhere the App calls externalChange().
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"
#include "Store.hpp"

#include <optional>
#include <vector>

namespace pv::ui {

class Editor : public Panel {
public:
    Editor(std::string id, AppContext& ctx) : Panel(std::move(id)), m_ctx(ctx) {}
    virtual bool dirty() const = 0;
    // Writes the draft; false (with the error shown) when the store refused it.
    virtual bool save() = 0;
    virtual void discard() = 0;  // back to the stored record
    virtual void load(const std::optional<RecordRef>& ref) = 0;
    virtual std::optional<RecordRef> record() const = 0;
    virtual bool handles(Kind kind) const = 0;
    // A new record's draft, not stored yet.
    virtual bool isNew() const = 0;
    // Called when data changed elsewhere: reload unless there are unsaved edits. A new draft has
    // nothing stored to reload (reloading it closed it, e.g. when a picker created a model in place).
    virtual void refresh() {
        if (!dirty() && !isNew()) load(record());
    }

    // ---- the vault changed outside this editor (another device's pull, the CLI, a shell...) ----
    // A stored record without unsaved edits is re-read; with unsaved edits, nothing is overwritten:
    // when the stored record itself changed, a banner offers Reload / Keep my draft.
    void externalChange();
    bool changedElsewhere() const { return m_changedElsewhere; }
    void reloadFromVault();  // the banner's Reload
    void keepMyDraft();      // the banner's Keep my draft (a later save wins by the clock rule)

    // ---- drafts kept in the vault (pv_drafts) ---------------------------------------------------
    // The editor's slot in pv_drafts ("" = this editor keeps no draft).
    virtual std::string draftSlot() const { return ""; }
    // The unsaved state as a pv::Draft (slot, kind, record, fields); nullopt when there is none.
    virtual std::optional<Draft> unsavedDraft() const { return std::nullopt; }
    // Puts a kept draft back into the editor (opening its record, or a new one); false if it cannot.
    virtual bool restoreDraft(const Draft&) { return false; }
    bool recovered() const { return m_recovered; }
    void clearRecovered() { m_recovered = false; }

protected:
    // Puts the cursor where the header's action buttons (these labels, in order) go: right-aligned
    // after the title when they fit there, else right-aligned on a line of their own (a narrow
    // pane), so they never overlap the title nor run past the pane's edge.
    static void placeActions(const std::vector<const char*>& labels);
    // "updated_at|deleted_at" of the record as loaded and as stored now ("" = gone).
    virtual std::string loadedStamp() const { return ""; }
    virtual std::string storedStamp() { return ""; }
    // The banners under the editor's title: recovered draft, changed elsewhere.
    void drawBanners();

    AppContext& m_ctx;
    bool m_changedElsewhere = false;
    bool m_recovered = false;
    std::string m_keptOver;  // the stored stamp the person chose to keep their draft over
};

// Field helpers for drafts.
std::string joinIds(const std::vector<std::string>& ids);
std::vector<std::string> splitIds(const std::string& s);
inline std::string fieldOr(const Draft& d, const char* k) {
    auto it = d.fields.find(k);
    return it != d.fields.end() && it->second ? *it->second : std::string();
}
inline std::optional<std::string> fieldOpt(const Draft& d, const char* k) {
    auto it = d.fields.find(k);
    return it != d.fields.end() ? it->second : std::nullopt;
}

} // namespace pv::ui
