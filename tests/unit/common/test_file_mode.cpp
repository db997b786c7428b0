// Recording file and folder modes: what the jcfg may set, and that they are applied regardless
// of the process umask.
#include "common/file_mode.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::common;

static unsigned mode_of(const std::string &path) {
    struct stat info {};
    assert_int_equal(lstat(path.c_str(), &info), 0);
    return info.st_mode & 07777;
}

static void accepts_private_modes(void **) {
    std::string error;
    assert_int_equal(parse_file_mode("0640", false, "general.file_mode", error).value_or(1), 0640);
    assert_int_equal(parse_file_mode("600", false, "general.file_mode", error).value_or(1), 0600);
    assert_int_equal(parse_file_mode("0644", false, "general.file_mode", error).value_or(1), 0644);
    assert_int_equal(parse_file_mode("0750", true, "general.dir_mode", error).value_or(1), 0750);
    assert_int_equal(parse_file_mode("0700", true, "general.dir_mode", error).value_or(1), 0700);
    assert_string_equal(error.c_str(), "");
}

static void refuses_unsafe_or_malformed_modes(void **) {
    const auto refused = [](const char *text, bool folder, const char *why) {
        std::string error;
        assert_false(parse_file_mode(text, folder, "general.x_mode", error).has_value());
        if (error.find(why) == std::string::npos || error.find("general.x_mode") != 0)
            fail_msg("%s: %s", text, error.c_str());
    };
    refused("0666", false, "writable by others");
    refused("0777", true, "writable by others");
    refused("0642", false, "writable by others");
    refused("0440", false, "owner rw");
    refused("0240", false, "owner rw");
    refused("0650", true, "owner rwx");
    refused("4750", true, "only permission bits");
    refused("1750", true, "only permission bits");
    refused("0648", false, "octal");
    refused("rw-r-----", false, "octal digits");
    refused("", false, "3 or 4 octal digits");
    refused("64", false, "3 or 4 octal digits");
    refused("00640", false, "3 or 4 octal digits");
    refused("-640", false, "octal");
}

static void folders_and_files_get_the_mode_whatever_the_umask(void **) {
    char pattern[] = "/tmp/file-mode-XXXXXX";
    const std::string base = mkdtemp(pattern);
    const mode_t old = umask(0); // the most permissive umask: mkdir alone would give 0777
    std::string error;
    assert_true(make_folders_below(base, "room/.recordings/abc", 0750, error));
    assert_int_equal(mode_of(base + "/room"), 0750);
    assert_int_equal(mode_of(base + "/room/.recordings"), 0750);
    assert_int_equal(mode_of(base + "/room/.recordings/abc"), 0750);
    // Existing folders (an older build made them 0755) get the mode too.
    assert_int_equal(chmod((base + "/room").c_str(), 0755), 0);
    assert_true(make_folders_below(base, "room/Recordings", 0700, error));
    assert_int_equal(mode_of(base + "/room"), 0700);
    assert_int_equal(mode_of(base + "/room/Recordings"), 0700);
    // A link planted where a folder should be is not followed.
    assert_int_equal(symlink("/tmp", (base + "/room/link").c_str()), 0);
    assert_false(make_folders_below(base, "room/link/x", 0750, error));
    assert_true(error.find("room/link") != std::string::npos);
    assert_false(make_folders_below(base, "room/../x", 0750, error));
    assert_true(error.find("'..'") != std::string::npos);

    const std::string file = base + "/room/Recordings/a.mp4";
    const int fd = open(file.c_str(), O_WRONLY | O_CREAT, 0666);
    close(fd);
    assert_int_equal(mode_of(file), 0666);
    assert_true(set_file_mode(file, 0640, error));
    assert_int_equal(mode_of(file), 0640);
    assert_false(set_file_mode(base + "/room/link", 0640, error)); // a link is not followed
    assert_false(set_file_mode(base + "/absent", 0640, error));
    assert_true(error.find("/absent") != std::string::npos);
    umask(old);
    assert_int_equal(std::system(("rm -rf '" + base + "'").c_str()), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_private_modes),
        cmocka_unit_test(refuses_unsafe_or_malformed_modes),
        cmocka_unit_test(folders_and_files_get_the_mode_whatever_the_umask),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
