// Base of the record editors: a draft that is only written by save(), so switching records or
// closing the window can ask Save / Discard / Cancel.
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"

#include <optional>

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

protected:
    AppContext& m_ctx;
};

} // namespace pv::ui
