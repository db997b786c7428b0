// User agent → device class, OS and browser family (E1, A6), on real user agents.
#include "domain/device_class.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

namespace {
struct Case {
    const char *user_agent;
    DeviceClass device;
    OsFamily os;
    BrowserFamily browser;
};
using D = DeviceClass;
using O = OsFamily;
using B = BrowserFamily;

// Real user agents, as browsers, devices and crawlers send them.
const Case kCases[] = {
    // Desktop: Windows
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     D::Desktop, O::Windows, B::Chrome},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
     "Edg/120.0.2210.91",
     D::Desktop, O::Windows, B::Edge},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::Windows,
     B::Firefox},
    {"Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0", D::Desktop, O::Windows,
     B::Firefox},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 "
     "Safari/537.36 Edge/18.19045",
     D::Desktop, O::Windows, B::Edge},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 "
     "OPR/105.0.0.0",
     D::Desktop, O::Windows, B::Opera},
    // Desktop: macOS
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36",
     D::Desktop, O::MacOs, B::Chrome},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
     "Safari/605.1.15",
     D::Desktop, O::MacOs, B::Safari},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::MacOs,
     B::Firefox},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edg/120.0.2210.91",
     D::Desktop, O::MacOs, B::Edge},
    // iPadOS 13+ in its default desktop mode: byte for byte a Mac (documented limitation).
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Safari/605.1.15",
     D::Desktop, O::MacOs, B::Safari},
    // Desktop: Linux and ChromeOS
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     D::Desktop, O::Linux, B::Chrome},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::Linux, B::Firefox},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", D::Desktop, O::Linux,
     B::Firefox},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
     "Edg/120.0.0.0",
     D::Desktop, O::Linux, B::Edge},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     D::Desktop, O::ChromeOs, B::Chrome},
    {"Mozilla/5.0 (X11; CrOS aarch64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.212 "
     "Safari/537.36",
     D::Desktop, O::ChromeOs, B::Chrome},
    // Phones: iPhone
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
     "Mobile/15E148 Safari/604.1",
     D::Mobile, O::Ios, B::Safari},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
     D::Mobile, O::Ios, B::Chrome},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 "
     "Mobile/15E148 Safari/605.1.15",
     D::Mobile, O::Ios, B::Firefox},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
     "EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15",
     D::Mobile, O::Ios, B::Edge},
    {"Mozilla/5.0 (iPod touch; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/15.6 Mobile/15E148 Safari/604.1",
     D::Mobile, O::Ios, B::Safari},
    // Phones: Android
    {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile "
     "Safari/537.36",
     D::Mobile, O::Android, B::Chrome},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
     D::Mobile, O::Android, B::Chrome},
    {"Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
     "Chrome/115.0.0.0 Mobile Safari/537.36",
     D::Mobile, O::Android, B::SamsungInternet},
    {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", D::Mobile, O::Android, B::Firefox},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 "
     "EdgA/120.0.2210.115",
     D::Mobile, O::Android, B::Edge},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 "
     "OPR/79.1.4195.76754",
     D::Mobile, O::Android, B::Opera},
    {"Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36",
     D::Mobile, O::Android, B::Chrome},
    {"Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebkit/534.30 (KHTML, like Gecko) "
     "Version/4.0 Mobile Safari/534.30",
     D::Mobile, O::Android, B::Other},
    {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
     D::Mobile, O::Windows, B::Edge},
    // Tablets
    {"Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 "
     "Mobile/15E148 Safari/604.1",
     D::Tablet, O::Ios, B::Safari},
    {"Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 "
     "Mobile/15E148 Safari/604.1",
     D::Tablet, O::Ios, B::Chrome},
    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     D::Tablet, O::Android, B::Chrome},
    {"Mozilla/5.0 (Linux; Android 12; SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/22.0 "
     "Chrome/111.0.5563.116 Safari/537.36",
     D::Tablet, O::Android, B::SamsungInternet},
    {"Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0", D::Tablet, O::Android, B::Firefox},
    {"Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like "
     "Chrome/120.0.6099.193 Safari/537.36",
     D::Tablet, O::Android, B::Other},
    {"Mozilla/5.0 (Linux; Android 11; Lenovo TB-J606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
     "Safari/537.36",
     D::Tablet, O::Android, B::Chrome},
    // Smart TVs and streaming devices
    {"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV "
     "Safari/537.36",
     D::Tv, O::Tizen, B::Other},
    {"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 "
     "WebAppManager",
     D::Tv, O::WebOs, B::Chrome},
    {"Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.141 Safari/537.36 "
     "CrKey/1.54.250320",
     D::Tv, O::Linux, B::Chrome},
    {"Mozilla/5.0 (Linux; Android 7.1.2; AFTMM Build/NS6264; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
     "Chrome/59.0.3071.125 Mobile Safari/537.36",
     D::Tv, O::Android, B::Chrome},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.89",
     D::Tv, O::Windows, B::Edge},
    {"AppleCoreMedia/1.0.0.20K71 (Apple TV; U; CPU OS 16_1 like Mac OS X; en_us)", D::Tv, O::Ios, B::Other},
    // Crawlers and tools
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", D::Bot, O::Other, B::Other},
    {"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     D::Bot, O::Android, B::Chrome},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", D::Bot, O::Other, B::Other},
    {"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", D::Bot, O::Other, B::Other},
    {"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", D::Bot, O::Other, B::Other},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 "
     "Safari/537.36",
     D::Bot, O::Linux, B::Chrome},
    {"curl/7.88.1", D::Bot, O::Other, B::Other},
    {"Wget/1.21.3", D::Bot, O::Other, B::Other},
    {"python-requests/2.31.0", D::Bot, O::Other, B::Other},
    // Not enough to tell
    {"", D::Unknown, O::Unknown, B::Unknown},
    {"Mozilla/5.0", D::Unknown, O::Other, B::Other},
};
} // namespace

static void real_user_agents(void **) {
    assert_true(std::size(kCases) >= 40);
    int failures = 0;
    for (const Case &c : kCases) {
        const DeviceInfo info = classify_user_agent(c.user_agent);
        if (info.device != c.device || info.os != c.os || info.browser != c.browser) {
            print_error("%s\n  got %s/%s/%s, expected %s/%s/%s\n", c.user_agent, device_class_name(info.device),
                        os_family_name(info.os), browser_family_name(info.browser), device_class_name(c.device),
                        os_family_name(c.os), browser_family_name(c.browser));
            ++failures;
        }
    }
    assert_int_equal(failures, 0);
}

static void phone_models_containing_bot_are_phones(void **) {
    const DeviceInfo info = classify_user_agent(
        "Mozilla/5.0 (Linux; Android 9; CUBOT_X19 Build/PPR1.180610.011) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36");
    assert_int_equal(info.device, DeviceClass::Mobile);
}

static void hostile_input_is_bounded(void **) {
    // 10 KB of garbage, NULs and high bytes included.
    std::string garbage;
    for (int i = 0; i < 10 * 1024; ++i) garbage.push_back(char((i * 131 + 7) % 256));
    const DeviceInfo info = classify_user_agent(garbage);
    assert_int_equal(info.device, DeviceClass::Unknown);
    assert_int_equal(info.browser, BrowserFamily::Other);
    // Only the first kUserAgentScanLimit bytes are read: a token after them is not seen.
    std::string padded(10 * 1024, 'x');
    padded += " Googlebot/2.1 iPhone";
    assert_int_equal(classify_user_agent(padded).device, DeviceClass::Unknown);
    std::string early = "curl/8.0 " + std::string(10 * 1024, 'x');
    assert_int_equal(classify_user_agent(early).device, DeviceClass::Bot);
    // Repetitive near-matches (worst case for substring search) finish quickly too.
    std::string near(10 * 1024, ' ');
    for (size_t i = 0; i + 8 < near.size(); i += 8) near.replace(i, 7, "androi ");
    for (int i = 0; i < 2000; ++i) assert_int_equal(classify_user_agent(near).device, DeviceClass::Unknown);
}

static void names(void **) {
    assert_string_equal(device_class_name(DeviceClass::Tv), "tv");
    assert_string_equal(device_class_name(DeviceClass::Unknown), "unknown");
    assert_string_equal(os_family_name(OsFamily::ChromeOs), "chromeos");
    assert_string_equal(os_family_name(OsFamily::MacOs), "macos");
    assert_string_equal(browser_family_name(BrowserFamily::SamsungInternet), "samsung_internet");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_user_agents),
        cmocka_unit_test(phone_models_containing_bot_are_phones),
        cmocka_unit_test(hostile_input_is_bounded),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
