// A job's file path is used only when it resolves to a file under the resolved recordings root.
#include "storage/core/contained_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static bool contains(const std::string &text, const char *part) { return text.find(part) != std::string::npos; }

static void touch(const std::string &path) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    close(fd);
}

// <base>/recordings/room/Recordings/a.mp4, <base>/recordings-evil/x, <base>/victim and links.
struct Tree {
    std::string base, root;
    Tree() {
        char pattern[] = "/tmp/contained-path-XXXXXX";
        base = mkdtemp(pattern);
        root = base + "/recordings";
        for (const char *folder :
             {"/recordings", "/recordings/room", "/recordings/room/Recordings", "/recordings-evil"})
            assert_int_equal(mkdir((base + folder).c_str(), 0700), 0);
        touch(root + "/room/Recordings/a.mp4");
        touch(base + "/recordings-evil/x");
        touch(base + "/victim");
        assert_int_equal(symlink((base + "/victim").c_str(), (root + "/room/Recordings/out.mp4").c_str()), 0);
        assert_int_equal(symlink("../../..", (root + "/room/Recordings/up").c_str()), 0); // to base
        assert_int_equal(symlink((root + "/room/Recordings/a.mp4").c_str(), (base + "/inward").c_str()), 0);
    }
    ~Tree() { std::system(("rm -rf '" + base + "'").c_str()); }
};

static void textual_containment(void **) {
    assert_string_equal(
        containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec/recordings/r/Recordings/a.mp4").c_str(), "");
    assert_true(contains(containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec/recordings-evil/x"),
                         "outside the recordings root"));
    assert_true(contains(containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec/recordings"), "outside"));
    assert_true(contains(containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec/recordings/"), "outside"));
    assert_true(contains(containment_error("/var/lib/roomrec/recordings", "/etc/passwd"), "outside"));
    assert_true(contains(containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec"), "outside"));
    assert_string_equal(containment_error("/var/lib/roomrec/recordings", "").c_str(), "the file path is empty");
    assert_string_equal(containment_error("/r", "r/a").c_str(), "the file path is not absolute");
    assert_string_equal(containment_error("/r", std::string_view("/r/a\0b", 6)).c_str(),
                        "the file path contains a NUL byte");
    assert_true(contains(containment_error("", "/r/a"), "recordings root"));
    assert_true(contains(containment_error("relative", "/r/a"), "recordings root"));
    assert_string_equal(containment_error("/", "/r/Recordings/a.mp4").c_str(), "");
    // Inside the root but not a stored recording: spools, work folders, hidden files, other depths.
    for (const char *path :
         {"/var/lib/roomrec/recordings/.delivery/1-a.json", "/var/lib/roomrec/recordings/r/.recordings/x/segment-0.mp4",
          "/var/lib/roomrec/recordings/r/Recordings/.hidden.mp4", "/var/lib/roomrec/recordings/r/Recordings/sub/a.mp4",
          "/var/lib/roomrec/recordings/r/Recordings/", "/var/lib/roomrec/recordings/r/a.mp4",
          "/var/lib/roomrec/recordings/.r/Recordings/a.mp4", "/var/lib/roomrec/recordings/r/recordings/a.mp4",
          "/etc/passwd"})
        if (!contains(containment_error("/var/lib/roomrec/recordings", path), "not a stored recording") &&
            !contains(containment_error("/var/lib/roomrec/recordings", path), "outside"))
            fail_msg("accepted %s", path);
    assert_true(contains(
        containment_error("/var/lib/roomrec/recordings", "/var/lib/roomrec/recordings/r/.recordings/x/segment-0.mp4"),
        "not a stored recording"));
}

// Isolated tracks and their manifest: one folder deeper, in "<name> tracks" only.
static void files_stored_with_a_recording(void **) {
    const std::string root = "/var/lib/roomrec/recordings";
    assert_string_equal(track_containment_error(root, root + "/r/Recordings/Rec - x tracks/alice - webcam video.mkv").c_str(),
                        "");
    assert_string_equal(track_containment_error(root, root + "/r/Recordings/Rec - x tracks/manifest.json").c_str(), "");
    for (const std::string &path :
         {root + "/r/Recordings/Rec - x.mp4", root + "/r/Recordings/other/a.mkv", root + "/r/Recordings/Rec tracks/.a",
          root + "/r/Recordings/.Rec tracks/a.mkv", root + "/r/Recordings/Rec tracks/",
          root + "/r/.recordings/x tracks/a.mkv", root + "/r/Recordings/Rec tracks/deeper/a.mkv",
          root + "/.delivery/x tracks/a.json"})
        if (!contains(track_containment_error(root, path), "not a file stored with a recording"))
            fail_msg("accepted %s: %s", path.c_str(), track_containment_error(root, path).c_str());
    assert_true(contains(track_containment_error(root, "/etc/x tracks/passwd"), "outside"));
}

// The link server's exports: the same rule with the Exports folder, which is not Recordings.
static void the_exports_folder(void **) {
    const char *root = "/var/lib/roomrec/recordings";
    assert_string_equal(containment_error(root, "/var/lib/roomrec/recordings/r/Exports/a.csv", "Exports").c_str(), "");
    assert_true(contains(containment_error(root, "/var/lib/roomrec/recordings/r/Recordings/a.mp4", "Exports"),
                         "not a stored file (<root>/<room>/Exports/<file>)"));
    assert_true(
        contains(containment_error(root, "/var/lib/roomrec/recordings/r/Exports/a.csv"), "not a stored recording"));
    assert_true(contains(containment_error(root, "/var/lib/roomrec/recordings/r/Exports/.a.csv.part", "Exports"),
                         "not a stored file"));
}

static void a_file_under_the_root_is_resolved(void **) {
    const Tree tree;
    const ContainedPath inside = resolve_contained_path(tree.root, tree.root + "/room/Recordings/a.mp4");
    assert_string_equal(inside.error.c_str(), "");
    assert_string_equal(inside.path.c_str(), (tree.root + "/room/Recordings/a.mp4").c_str());
    // Redundant pieces and a root given with a trailing slash or through a link still resolve.
    assert_string_equal(resolve_contained_path(tree.root + "/", tree.root + "/room/./Recordings//a.mp4").path.c_str(),
                        inside.path.c_str());
    // A link from outside pointing in is judged by where it leads.
    assert_string_equal(resolve_contained_path(tree.root, tree.base + "/inward").path.c_str(), inside.path.c_str());
    // A link inside that leads out and back in again is inside.
    assert_string_equal(
        resolve_contained_path(tree.root, tree.root + "/room/Recordings/up/recordings/room/Recordings/a.mp4")
            .path.c_str(),
        inside.path.c_str());
}

static void escapes_are_refused(void **) {
    const Tree tree;
    const auto refused = [&](const std::string &path, const char *why) {
        const ContainedPath answer = resolve_contained_path(tree.root, path);
        assert_string_equal(answer.path.c_str(), "");
        if (!contains(answer.error, why)) fail_msg("%s: %s", path.c_str(), answer.error.c_str());
    };
    refused(tree.root + "/room/../../victim", "outside the recordings root");
    refused(tree.root + "/room/Recordings/out.mp4", "outside the recordings root");   // symlink out
    refused(tree.root + "/room/Recordings/up/victim", "outside the recordings root"); // symlinked folder out
    refused(tree.base + "/recordings-evil/x", "outside the recordings root");         // a prefix trick
    refused(tree.root + "/room/..", "outside the recordings root");                   // the root itself
    refused(tree.root, "outside the recordings root");
    refused("", "it is empty");
    refused("room/Recordings/a.mp4", "it is not absolute");
    const char with_nul[] = "/room/Recordings/a.mp4\0/../../../victim";
    refused(tree.root + std::string(with_nul, sizeof with_nul - 1), "NUL byte");
    refused(tree.root + "/room/Recordings/missing.mp4", "cannot be resolved");
    // The error names the path as given, for the operator.
    assert_true(
        contains(resolve_contained_path(tree.root, tree.base + "/victim").error, (tree.base + "/victim").c_str()));
}

static void a_root_that_cannot_be_resolved_refuses_everything(void **) {
    const Tree tree;
    const ContainedPath answer = resolve_contained_path(tree.base + "/absent", tree.root + "/room/Recordings/a.mp4");
    assert_string_equal(answer.path.c_str(), "");
    assert_true(contains(answer.error, "recordings root"));
    assert_true(contains(resolve_contained_path("", tree.root + "/room/Recordings/a.mp4").error, "recordings root"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(textual_containment),
        cmocka_unit_test(files_stored_with_a_recording),
        cmocka_unit_test(the_exports_folder),
        cmocka_unit_test(a_file_under_the_root_is_resolved),
        cmocka_unit_test(escapes_are_refused),
        cmocka_unit_test(a_root_that_cannot_be_resolved_refuses_everything),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
