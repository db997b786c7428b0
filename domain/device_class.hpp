// Device class, OS and browser family from a user agent (E1, A6), for the "top devices"
// report. Heuristic by nature: it reads well-known tokens, in an order that resolves the usual
// overlaps (Edge and Samsung Internet say "Chrome", iPads say "Mobile", Android TVs say "Android").
//
// Known limitation: iPadOS 13+ Safari asks for desktop sites by default and then sends the very
// same user agent as Safari on a Mac ("Macintosh; Intel Mac OS X"). No token tells them apart,
// so such iPads count as desktop/macos; only the client itself (touch points) could tell.
//
// Bounded work on hostile input: only the first kUserAgentScanLimit bytes are read.
#pragma once

#include <cstddef>
#include <string_view>

namespace roomrec::domain {

enum class DeviceClass { Desktop, Mobile, Tablet, Tv, Bot, Unknown };
enum class OsFamily { Windows, MacOs, Ios, Android, Linux, ChromeOs, Tizen, WebOs, Other, Unknown };
enum class BrowserFamily { Chrome, Edge, Firefox, Safari, SamsungInternet, Opera, Other, Unknown };

struct DeviceInfo {
    DeviceClass device = DeviceClass::Unknown;
    OsFamily os = OsFamily::Unknown;
    BrowserFamily browser = BrowserFamily::Unknown; // Unknown only for an empty user agent
};

constexpr size_t kUserAgentScanLimit = 1024;

DeviceInfo classify_user_agent(std::string_view user_agent);

// "desktop", "mobile", "tablet", "tv", "bot", "unknown"
const char *device_class_name(DeviceClass device);
// "windows", "macos", "ios", "android", "linux", "chromeos", "tizen", "webos", "other", "unknown"
const char *os_family_name(OsFamily os);
// "chrome", "edge", "firefox", "safari", "samsung_internet", "opera", "other", "unknown"
const char *browser_family_name(BrowserFamily browser);

} // namespace roomrec::domain
