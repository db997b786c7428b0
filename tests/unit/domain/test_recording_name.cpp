// Recording file names (C8): sanitization and collisions.
#include "domain/recording_name.hpp"

#include <set>
#include <stdexcept>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static void standard_name_in_utc(void **) {
    // 2026-11-25 03:04:05 UTC
    assert_string_equal(recording_file_name("Weekly sync", 1795575845).c_str(),
                        "Rec - 2026-11-25 03-04-05 - Weekly sync.mp4");
    assert_string_equal(recording_file_name("Weekly sync", 1795575845, 3600).c_str(),
                        "Rec - 2026-11-25 04-04-05 - Weekly sync.mp4");
}

static void path_separators_and_dots(void **) {
    assert_string_equal(sanitize_title("../../etc/passwd").c_str(), "etc passwd");
    assert_string_equal(sanitize_title("a/b\\c").c_str(), "a b c");
    assert_string_equal(sanitize_title("...hidden").c_str(), "hidden");
    assert_string_equal(sanitize_title(".").c_str(), "Untitled");
    assert_string_equal(sanitize_title("..").c_str(), "Untitled");
    assert_string_equal(sanitize_title("v1.2 review").c_str(), "v1.2 review");
    assert_string_equal(sanitize_title("ends with dot.").c_str(), "ends with dot");
    assert_string_equal(sanitize_title("Q&A: what? <yes> | \"no\" *").c_str(), "Q&A what yes no");
}

static void control_characters(void **) {
    assert_string_equal(sanitize_title("line1\nline2\ttab\x01").c_str(), "line1 line2 tab");
    assert_string_equal(sanitize_title("bell\x07"
                                       "end\x7f")
                            .c_str(),
                        "bell end");
    assert_string_equal(sanitize_title("c1\xc2\x85next").c_str(), "c1 next");               // U+0085
    assert_string_equal(sanitize_title("rtl\xe2\x80\xaeoverride").c_str(), "rtloverride");  // U+202E, removed
    assert_string_equal(sanitize_title(std::string("nul\0byte", 8)).c_str(), "nulbyte");
    assert_string_equal(sanitize_title("   \t  ").c_str(), "Untitled");
    assert_string_equal(sanitize_title("").c_str(), "Untitled");
    assert_string_equal(sanitize_title("  many    spaces  ").c_str(), "many spaces");
}

static void unicode_kept_and_cut_at_boundaries(void **) {
    assert_string_equal(sanitize_title("Réunion d'équipe — 会议 🎥").c_str(), "Réunion d'équipe — 会议 🎥");
    assert_string_equal(sanitize_title("bad\xff\xfe utf8 \xc0\xaf").c_str(), "bad utf8");
    std::string long_title;
    for (int i = 0; i < 100; ++i) long_title += "会"; // 3 bytes each
    const std::string cut = sanitize_title(long_title);
    assert_true(cut.size() <= kMaxTitleBytes);
    assert_int_equal(cut.size() % 3, 0); // no half character
    assert_int_equal(cut.size(), 120);
    const std::string ascii = sanitize_title(std::string(500, 'x'));
    assert_int_equal(ascii.size(), kMaxTitleBytes);
    assert_true(recording_file_name(std::string(500, 'y'), 0).size() <= 255);
}

static void invisible_and_bidi_characters_are_removed(void **) {
    // "Report\u202Egnp.exe" would show as "Reportexe.png"; the name keeps only what is shown.
    assert_string_equal(sanitize_title("Report\u202Egnp.exe").c_str(), "Reportgnp.exe");
    for (const char *hidden :
         {"\u202A",     "\u202B",     "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068",
          "\u2069",     "\u200E",     "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060",
          "\u2061",     "\u2062",     "\u2063", "\u2064", "\uFEFF", "\u00AD", "\u180E", "\U000E0000",
          "\U000E0041", "\U000E007F", "\u115F", "\u1160", "\u3164", "\uFFA0"}) {
        const std::string title = std::string("a") + hidden + "b";
        if (sanitize_title(title) != "ab") fail_msg("%s kept: %s", title.c_str(), sanitize_title(title).c_str());
        // Alone it gives no title at all: the fallback (the room id), never an invisible name.
        assert_string_equal(sanitize_title(std::string(hidden) + hidden, "weekly-1").c_str(), "weekly-1");
    }
    // Only invisible characters around spaces: still nothing visible.
    assert_string_equal(sanitize_title("\u2066 \u200B \u2069", "r1").c_str(), "r1");
    assert_string_equal(sanitize_title("\u200B", "\u200B").c_str(), "Untitled"); // an unusable fallback too
    assert_string_equal(recording_file_name("\u202E\u2066\u200D\uFEFF", 0, 0, "room-7").c_str(),
                        "Rec - 1970-01-01 00-00-00 - room-7.mp4");
    // A variation selector stays after the character it modifies, never alone.
    assert_string_equal(sanitize_title("\u2764\uFE0F team").c_str(), "\u2764\uFE0F team");
    assert_string_equal(sanitize_title("\uFE0F\uFE0Fteam").c_str(), "team");
    assert_string_equal(sanitize_title("a \uFE0F\U000E0100b").c_str(), "a b");
    assert_string_equal(sanitize_title("\uFE0F", "r1").c_str(), "r1");
    // Right-to-left text itself is kept; only the controls go.
    assert_string_equal(sanitize_title("\u05E9\u05DC\u05D5\u05DD\u200F").c_str(), "\u05E9\u05DC\u05D5\u05DD");
}

// Found by fuzz/fuzz_recording_name.cpp: a four-byte lead F4 with a second byte above 0x8F
// encodes a code point above U+10FFFF, which is not UTF-8 and must not reach a file name.
static void code_points_above_unicode_dropped(void **) {
    assert_string_equal(sanitize_title("a\xF4\x90\x80\x80" "b").c_str(), "ab");
    assert_string_equal(sanitize_title("\x93\x93\xF8\xF4\xB1\xB1\x9F").c_str(), "Untitled");
    assert_string_equal(sanitize_title("\xF4\x8F\xBF\xBF").c_str(), "\xF4\x8F\xBF\xBF"); // U+10FFFF stays
    assert_string_equal(sanitize_title("x\xED\xA0\x80y").c_str(), "xy");                     // a surrogate
}

static void track_names_name_publisher_source_and_kind(void **) {
    assert_string_equal(track_file_name("alice", "webcam", "audio", "mkv", "p1").c_str(), "alice - webcam audio.mkv");
    assert_string_equal(track_file_name("../b\xe2\x80\xae/ob", "stage", "video", "mp4", "p1").c_str(),
                        "b ob - stage video.mp4"); // a separator becomes a space, like in titles
    // Nothing visible left of the publisher: the fallback (the participant id) names it.
    assert_string_equal(track_file_name("\xe2\x80\x8b", "webcam", "video", "mkv", "p-7").c_str(),
                        "p-7 - webcam video.mkv");
    const auto taken = [](const std::string &name) { return name == "alice - webcam audio.mkv"; };
    assert_string_equal(unique_file_name("alice - webcam audio.mkv", taken).c_str(), "alice - webcam audio (2).mkv");
}

static void collisions_get_numbers(void **) {
    std::set<std::string> existing = {"Rec - a.mp4", "Rec - a (2).mp4"};
    auto taken = [&](const std::string &name) { return existing.count(name) > 0; };
    assert_string_equal(unique_file_name("Rec - b.mp4", taken).c_str(), "Rec - b.mp4");
    assert_string_equal(unique_file_name("Rec - a.mp4", taken).c_str(), "Rec - a (3).mp4");
    bool threw = false;
    try {
        unique_file_name("x.mp4", [](const std::string &) { return true; });
    } catch (const std::runtime_error &) {
        threw = true;
    }
    assert_true(threw);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standard_name_in_utc),   cmocka_unit_test(path_separators_and_dots),
        cmocka_unit_test(control_characters),     cmocka_unit_test(unicode_kept_and_cut_at_boundaries),
        cmocka_unit_test(collisions_get_numbers), cmocka_unit_test(invisible_and_bidi_characters_are_removed),
        cmocka_unit_test(code_points_above_unicode_dropped),
        cmocka_unit_test(track_names_name_publisher_source_and_kind),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
