// What panels share: the store, the worker, fonts, and the App's navigation services.
#pragma once
#include "Entities.hpp"
#include "Style.hpp"
#include "ViewOptions.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pv {
class Store;
}
namespace pv::sync {
class SyncService;
}

namespace pv::ui {

class Worker;

// The screens, each described once in App.cpp (its name, navigation entry, kinds and panels).
enum class Screen { Outputs, Prompts, Agents, Models, Tags, QaActivities, Lookups, Import, Sync, Graph };
inline constexpr size_t kScreenCount = size_t(Screen::Graph) + 1;
const char* screenName(Screen s);  // "outputs", "prompts", ...
bool screenFromName(const std::string& name, Screen& out);
std::string screenNames();  // every name, comma-separated (for messages)

// Services the App gives its panels (implemented by App).
class AppContext {
public:
    virtual ~AppContext() = default;
    virtual Store& store() = 0;
    virtual Worker& worker() = 0;
    virtual const Fonts& fonts() const = 0;
    virtual ViewOptions& view() = 0;
    // Opens a record in its screen and editor (asks about unsaved edits first).
    virtual void open(const RecordRef& ref) = 0;
    virtual void openGraph(const RecordRef& ref) = 0;
    // The Outputs list filtered to a record's outputs (a model, agent, tag, prompt, lookup value).
    virtual void showOutputsOf(const RecordRef& ref) = 0;
    // A new, empty output (optionally for a prompt / with text).
    virtual void newOutput(const std::string& promptId = "", const std::string& text = "") = 0;
    // Data changed: lists reload, sync is told.
    virtual void dataChanged() = 0;
    // Records deleted together, for Ctrl+Z.
    virtual void rememberDelete(std::vector<RecordRef> refs, const std::string& what) = 0;
    virtual void error(const std::string& message) = 0;
    virtual void notice(const std::string& message) = 0;
    // Layout that settles over two frames (a strip measuring its contents) asks for the next one
    // at once instead of waiting for input.
    virtual void requestFrame() = 0;
    virtual uint64_t dataVersion() const = 0;
    // Local changes waiting to be pushed (refreshed off the UI thread every few seconds).
    virtual int64_t pendingLocal() const = 0;  // bumps on every dataChanged()
};

} // namespace pv::ui
