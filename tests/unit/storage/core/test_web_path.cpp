// Which file a page request names below links.web_root, and its content type.
#include "storage/core/web_path.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void pages_and_folders(void **) {
    assert_string_equal(web_path("/").relative.c_str(), "index.html");
    assert_true(web_path("/").folder);
    assert_string_equal(web_path("/dashboard/").relative.c_str(), "dashboard/index.html");
    assert_string_equal(web_path("/dashboard/dashboard.js").relative.c_str(), "dashboard/dashboard.js");
    assert_false(web_path("/dashboard/dashboard.js").folder);
    assert_string_equal(web_path("/dashboard").relative.c_str(), "dashboard");
    assert_string_equal(web_path("/lib/janus.js").relative.c_str(), "lib/janus.js");
}

static void escapes_and_odd_names_are_refused(void **) {
    for (const char *url : {"", "dashboard/", "/../etc/passwd", "/..", "/.", "/a/../b", "/a/./b", "//etc/passwd",
                            "/a//b", "/.git/config", "/a/.hidden", "/a b", "/a%2e%2e", "/a\\b", "/a?b", "/caf\xc3\xa9"})
        assert_true(web_path(url).relative.empty());
    assert_true(web_path("/" + std::string(600, 'a')).relative.empty());
    std::string deep;
    for (int i = 0; i < 17; ++i) deep += "/a";
    assert_true(web_path(deep).relative.empty());
    assert_false(web_path(std::string_view("/a\0b", 4)).relative.size() == 3);
    assert_true(web_path(std::string_view("/a\0b", 4)).relative.empty());
}

static void content_types(void **) {
    assert_string_equal(web_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(web_content_type("d/dashboard.js"), "text/javascript; charset=utf-8");
    assert_string_equal(web_content_type("style.css"), "text/css; charset=utf-8");
    assert_string_equal(web_content_type("shot.png"), "image/png");
    assert_string_equal(web_content_type("icon.svg"), "image/svg+xml");
    assert_string_equal(web_content_type("Makefile"), "application/octet-stream");
    assert_string_equal(web_content_type("x.jsx"), "application/octet-stream");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages_and_folders),
        cmocka_unit_test(escapes_and_odd_names_are_refused),
        cmocka_unit_test(content_types),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
