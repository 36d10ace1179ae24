// How a stored text is drawn: see TextCarrier.hpp for why ImGui cannot take it as it is.
#pragma once
#include <string>
#include <string_view>

namespace pv::ui {

// A stored text as ImGui can draw it (stand-ins for astral characters, right-to-left lines shaped
// and ordered for display); valid until the next frame. Characters the atlas lacks are noted so the
// fonts grow to hold them.
const char* shown(std::string_view stored);
const char* shown(const std::string& stored);
inline const char* shown(const char* stored) { return shown(std::string_view(stored)); }

} // namespace pv::ui
