#include "domain/device_class.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace roomrec::domain {

namespace {

// The user agent, lower-cased, at most kUserAgentScanLimit bytes, on the stack.
class LowerText {
public:
    explicit LowerText(std::string_view text) : size_(std::min(text.size(), kUserAgentScanLimit)) {
        for (size_t i = 0; i < size_; ++i) {
            const char c = text[i];
            buffer_[i] = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        }
    }
    bool has(std::string_view token) const { return view().find(token) != std::string_view::npos; }
    bool has_any(std::initializer_list<std::string_view> tokens) const {
        return std::any_of(tokens.begin(), tokens.end(), [&](std::string_view token) { return has(token); });
    }
    bool empty() const { return size_ == 0; }

private:
    std::string_view view() const { return {buffer_.data(), size_}; }
    std::array<char, kUserAgentScanLimit> buffer_;
    size_t size_;
};

bool is_bot(const LowerText &ua) {
    // "bot/" and "bot;" rather than "bot": phone models such as "CUBOT" contain it.
    return ua.has_any({"googlebot",       "bingbot",       "yandexbot",      "duckduckbot",
                       "baiduspider",     "applebot",      "bot/",           "bot;",
                       "spider",          "crawler",       "slurp",          "facebookexternalhit",
                       "headlesschrome",  "phantomjs",     "curl/",          "wget/",
                       "python-requests", "python-urllib", "go-http-client", "libwww-perl"});
}

bool is_tv(const LowerText &ua) {
    return ua.has_any({"smart-tv", "smarttv", "smart tv", "googletv", "google tv", "android tv", "appletv", "apple tv",
                       "crkey", "hbbtv", "web0s", "netcast", "bravia", "; aft", "roku", "xbox", "playstation"}) ||
           (ua.has("tizen") && ua.has("tv"));
}

DeviceClass device_class(const LowerText &ua) {
    if (ua.empty()) return DeviceClass::Unknown;
    if (is_bot(ua)) return DeviceClass::Bot;
    if (is_tv(ua)) return DeviceClass::Tv;
    if (ua.has_any({"ipad", "tablet", "kindle", "silk/", "playbook"})) return DeviceClass::Tablet;
    if (ua.has_any({"iphone", "ipod", "windows phone", "opera mini", "blackberry", "kaios"}))
        return DeviceClass::Mobile;
    // Android phones say "Mobile"; Android tablets do not (Google's own advice to vendors).
    if (ua.has("android")) return ua.has("mobile") ? DeviceClass::Mobile : DeviceClass::Tablet;
    if (ua.has("mobi")) return DeviceClass::Mobile;
    if (ua.has_any({"windows nt", "macintosh", "mac os x", "x11", "linux", " cros "})) return DeviceClass::Desktop;
    return DeviceClass::Unknown;
}

OsFamily os_family(const LowerText &ua) {
    if (ua.empty()) return OsFamily::Unknown;
    if (ua.has("windows phone")) return OsFamily::Windows; // it also claims "Android"
    if (ua.has(" cros ")) return OsFamily::ChromeOs;       // not "cros": "Microsoft" has it
    if (ua.has("android")) return OsFamily::Android;
    // iPhone, iPad, iPod and Apple TV all say "like Mac OS X"; a Mac says "Mac OS X" alone.
    if (ua.has_any({"iphone", "ipad", "ipod", "like mac os x"})) return OsFamily::Ios;
    if (ua.has("tizen")) return OsFamily::Tizen;
    if (ua.has_any({"web0s", "webos"})) return OsFamily::WebOs;
    if (ua.has("windows")) return OsFamily::Windows;
    if (ua.has_any({"macintosh", "mac os x"})) return OsFamily::MacOs;
    if (ua.has_any({"linux", "x11"})) return OsFamily::Linux;
    return OsFamily::Other;
}

BrowserFamily browser_family(const LowerText &ua) {
    if (ua.empty()) return BrowserFamily::Unknown;
    // Most specific first: these all carry "Chrome/" (and "Safari/") as well.
    if (ua.has_any({"edg/", "edga/", "edgios/", "edge/"})) return BrowserFamily::Edge;
    if (ua.has("samsungbrowser/")) return BrowserFamily::SamsungInternet;
    if (ua.has_any({"opr/", "opera", "opios/"})) return BrowserFamily::Opera;
    if (ua.has_any({"firefox/", "fxios/"})) return BrowserFamily::Firefox;
    if (ua.has_any({"silk/", "yabrowser/", "vivaldi/", "ucbrowser/"})) return BrowserFamily::Other;
    if (ua.has_any({"crios/", "chrome/", "chromium/"})) return BrowserFamily::Chrome;
    // Safari says "Version/x Safari/y"; the old Android browser does too, and is not Safari.
    if (ua.has("safari/") && ua.has("version/") && !ua.has("android")) return BrowserFamily::Safari;
    return BrowserFamily::Other;
}

} // namespace

DeviceInfo classify_user_agent(std::string_view user_agent) {
    const LowerText ua(user_agent);
    return {device_class(ua), os_family(ua), browser_family(ua)};
}

const char *device_class_name(DeviceClass device) {
    switch (device) {
    case DeviceClass::Desktop: return "desktop";
    case DeviceClass::Mobile: return "mobile";
    case DeviceClass::Tablet: return "tablet";
    case DeviceClass::Tv: return "tv";
    case DeviceClass::Bot: return "bot";
    case DeviceClass::Unknown: return "unknown";
    }
    return "unknown";
}

const char *os_family_name(OsFamily os) {
    switch (os) {
    case OsFamily::Windows: return "windows";
    case OsFamily::MacOs: return "macos";
    case OsFamily::Ios: return "ios";
    case OsFamily::Android: return "android";
    case OsFamily::Linux: return "linux";
    case OsFamily::ChromeOs: return "chromeos";
    case OsFamily::Tizen: return "tizen";
    case OsFamily::WebOs: return "webos";
    case OsFamily::Other: return "other";
    case OsFamily::Unknown: return "unknown";
    }
    return "unknown";
}

const char *browser_family_name(BrowserFamily browser) {
    switch (browser) {
    case BrowserFamily::Chrome: return "chrome";
    case BrowserFamily::Edge: return "edge";
    case BrowserFamily::Firefox: return "firefox";
    case BrowserFamily::Safari: return "safari";
    case BrowserFamily::SamsungInternet: return "samsung_internet";
    case BrowserFamily::Opera: return "opera";
    case BrowserFamily::Other: return "other";
    case BrowserFamily::Unknown: return "unknown";
    }
    return "unknown";
}

} // namespace roomrec::domain
