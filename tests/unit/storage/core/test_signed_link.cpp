// Signed file links: the URL format, a vector computed independently (Python's hmac), the
// expiry boundary, and every way a link must be refused.
#include "storage/core/signed_link.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const char *kSecret = "0123456789abcdef0123456789abcdef";
static const int64_t kExpires = 1767225600;
static const char *kSig = "a72e9983844143dfe2ee79f7cebc81ab54006844f7d6f152fbd3ae38e9588966";

static FileLink sample() { return {"room-1", LinkKind::Exports, "report.csv", kExpires, ""}; }

static void builds_the_documented_url(void **) {
    // python3 -c "import hmac,hashlib; print(hmac.new(secret, b'v1\nroom-1\nexports\nreport.csv\n1767225600',
    //             hashlib.sha256).hexdigest())"
    std::string error;
    const auto url = sign_link(kSecret, sample(), error);
    assert_true(url.has_value());
    assert_string_equal(url->c_str(),
                        (std::string("/v1/files/room-1/exports/report.csv?expires=1767225600&sig=") + kSig).c_str());
    FileLink recording = sample();
    recording.kind = LinkKind::Recordings;
    assert_string_equal(link_path(recording).c_str(), "/v1/files/room-1/recordings/report.csv");
}

static void verifies_up_to_and_including_the_expiry(void **) {
    const char *path = "/v1/files/room-1/exports/report.csv";
    LinkVerdict verdict = verify_link(kSecret, path, "1767225600", kSig, kExpires - 3600);
    assert_int_equal(verdict.check, LinkCheck::Valid);
    assert_string_equal(verdict.link.room.c_str(), "room-1");
    assert_int_equal(verdict.link.kind, LinkKind::Exports);
    assert_string_equal(verdict.link.file.c_str(), "report.csv");
    assert_int_equal(verdict.link.expires, kExpires);
    assert_int_equal(verify_link(kSecret, path, "1767225600", kSig, kExpires).check, LinkCheck::Valid);
    verdict = verify_link(kSecret, path, "1767225600", kSig, kExpires + 1);
    assert_int_equal(verdict.check, LinkCheck::Expired);
    assert_string_equal(verdict.reason.c_str(), "expired 1 s ago");
    assert_int_equal(verify_link(kSecret, path, "1767225600", kSig, kExpires + 86400).check, LinkCheck::Expired);
}

static void refuses_tampering_and_wrong_secret(void **) {
    // Every signed field changed in turn, with the original signature.
    for (const char *path : {"/v1/files/room-2/exports/report.csv", "/v1/files/room-1/recordings/report.csv",
                             "/v1/files/room-1/exports/report2.csv", "/v1/files/room-1/exports/Report.csv"})
        assert_int_equal(verify_link(kSecret, path, "1767225600", kSig, kExpires).check, LinkCheck::BadSignature);
    const char *path = "/v1/files/room-1/exports/report.csv";
    // A later expiry: still signed for the old one.
    assert_int_equal(verify_link(kSecret, path, "1767225601", kSig, kExpires).check, LinkCheck::BadSignature);
    assert_int_equal(verify_link("another-secret-another-secret-xx", path, "1767225600", kSig, kExpires).check,
                     LinkCheck::BadSignature);
    std::string flipped = kSig;
    flipped[63] = flipped[63] == '6' ? '7' : '6';
    const LinkVerdict verdict = verify_link(kSecret, path, "1767225600", flipped, kExpires);
    assert_int_equal(verdict.check, LinkCheck::BadSignature);
    assert_null(std::strstr(verdict.reason.c_str(), kSig)); // the log line never carries it
    // A tampered link that is also expired is reported as tampered.
    assert_int_equal(verify_link(kSecret, path, "1767225600", flipped, kExpires + 10).check, LinkCheck::BadSignature);
}

static void refuses_malformed_links(void **) {
    const char *good = "/v1/files/room-1/exports/report.csv";
    for (const char *path :
         {"", "/", "/v1/files/", "/v1/files/room-1", "/v1/files/room-1/exports", "/v1/files/room-1/exports/",
          "/v1/files/room-1/exports/a/b.csv", "/v1/files/room-1/exports/../x.csv", "/v1/files/../exports/x.csv",
          "/v1/files/room-1/other/report.csv", "/v1/files/room-1/exports/.hidden", "/v1/files/room-1/exports/..",
          "/v1/files/room 1/exports/report.csv", "/v2/files/room-1/exports/r.csv",
          "/v1/files//exports/report.csv", "/v1/files/room-1//report.csv", "v1/files/room-1/exports/report.csv"})
        assert_int_equal(verify_link(kSecret, path, "1767225600", kSig, kExpires).check, LinkCheck::BadPath);
    assert_int_equal(
        verify_link(kSecret, std::string("/v1/files/room-1/exports/a\0b", 28), "1767225600", kSig, 0).check,
        LinkCheck::BadPath);
    for (const char *expires : {"", "0", "-1", "+1767225600", "1767225600x", " 1767225600", "99999999999999999999"})
        assert_int_equal(verify_link(kSecret, good, expires, kSig, kExpires).check, LinkCheck::Malformed);
    std::string upper = kSig;
    upper[0] = 'A';
    for (const std::string &sig : {std::string(""), std::string(kSig).substr(0, 63), std::string(kSig) + "0", upper})
        assert_int_equal(verify_link(kSecret, good, "1767225600", sig, kExpires).check, LinkCheck::Malformed);
    assert_int_equal(verify_link("", good, "1767225600", kSig, kExpires).check, LinkCheck::Malformed);
}

static void checks_names_before_signing(void **) {
    std::string error;
    FileLink link = sample();
    link.file = "a/../../etc/passwd";
    assert_false(sign_link(kSecret, link, error).has_value());
    assert_string_equal(error.c_str(), "the file name may not hold control characters, slashes or quotes");
    for (const char *bad : {"a\nb.mp4", "a\\b.mp4", "a\"b.mp4", "a\x7f.mp4"}) {
        link.file = bad;
        assert_false(sign_link(kSecret, link, error).has_value());
    }
    // A recording keeps its stored name: spaces, brackets, Unicode, percent-encoded in the URL.
    link = sample();
    link.file = "Rec - 2026-11-02 10-00-00 - Caf\xc3\xa9 (2).mp4";
    const auto named = sign_link(kSecret, link, error);
    assert_true(named.has_value());
    assert_true(named->find("/Rec%20-%202026-11-02%2010-00-00%20-%20Caf%C3%A9%20%282%29.mp4?") != std::string::npos);
    const std::string sig = named->substr(named->find("sig=") + 4);
    assert_int_equal(verify_link(kSecret, link_path(link), std::to_string(link.expires), sig, link.expires).check,
                     LinkCheck::Valid);
    link.file = ".hidden";
    assert_false(sign_link(kSecret, link, error).has_value());
    link.file = std::string(201, 'a');
    assert_false(sign_link(kSecret, link, error).has_value());
    link.file = std::string(200, 'a');
    assert_true(sign_link(kSecret, link, error).has_value());
    link.room = std::string(65, 'r');
    assert_false(sign_link(kSecret, link, error).has_value());
    assert_string_equal(error.c_str(), "the room id must be 1-64 characters");
    link = sample();
    link.room = "a/b";
    assert_false(sign_link(kSecret, link, error).has_value());
    link = sample();
    link.expires = 0;
    assert_false(sign_link(kSecret, link, error).has_value());
    assert_false(sign_link("", sample(), error).has_value());
    assert_string_equal(error.c_str(), "no link secret");
}

// An isolated track is linked in its folder beside the composite, and nowhere else.
static void links_a_track_in_its_tracks_folder(void **) {
    std::string error;
    FileLink link{"room-1", LinkKind::Tracks, "Rec - Weekly tracks/alice - webcam video.mkv", kExpires, ""};
    const auto url = sign_link(kSecret, link, error);
    assert_true(url.has_value());
    assert_true(url->rfind("/v1/files/room-1/tracks/Rec%20-%20Weekly%20tracks/alice%20-%20webcam%20video.mkv?", 0) ==
                0);
    const std::string sig = url->substr(url->find("sig=") + 4);
    const LinkVerdict verdict = verify_link(kSecret, link_path(link), "1767225600", sig, kExpires);
    assert_int_equal(verdict.check, LinkCheck::Valid);
    assert_int_equal(verdict.link.kind, LinkKind::Tracks);
    assert_string_equal(verdict.link.file.c_str(), "Rec - Weekly tracks/alice - webcam video.mkv");
    // The same name as a recording's file is another link: its signature does not carry over.
    assert_int_equal(verify_link(kSecret, "/v1/files/room-1/recordings/Rec - Weekly tracks/alice - webcam video.mkv",
                                 "1767225600", sig, kExpires)
                         .check,
                     LinkCheck::BadPath);
    for (const char *bad : {"alice.mkv", "Rec/alice.mkv", "Rec tracks/a/b.mkv", "Rec tracks/.hidden", "Rec tracks/",
                            " tracks/a.mkv", "../x tracks/a.mkv", ".x tracks/a.mkv", "Rec tracks/a\nb.mkv"}) {
        link.file = bad;
        assert_false(sign_link(kSecret, link, error).has_value());
        assert_int_equal(verify_link(kSecret, link_path(link), "1767225600", sig, kExpires).check, LinkCheck::BadPath);
    }
    link.file = "Rec tracks/manifest.json";
    link.recording = "rec-1"; // only recordings links name one
    assert_false(sign_link(kSecret, link, error).has_value());
}

static void verifies_fields_sent_apart(void **) {
    assert_int_equal(verify_link_fields(kSecret, "room-1", "exports", "report.csv", "1767225600", kSig, kExpires).check,
                     LinkCheck::Valid);
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "exports", "report.csv", "1767225600", kSig, kExpires + 1).check,
        LinkCheck::Expired);
    assert_int_equal(verify_link_fields(kSecret, "room-1", "Exports", "report.csv", "1767225600", kSig, kExpires).check,
                     LinkCheck::BadPath);
}

static void signs_the_recording_id_of_a_recordings_link(void **) {
    // python3 -c "import hmac,hashlib; print(hmac.new(secret,
    //             b'v1\nroom-1\nrecordings\ntalk.mp4\n1767225600\nrec-7', hashlib.sha256).hexdigest())"
    const char *sig = "1d52d3eaceeb58a5ad9bb50418c7a4d88b18ce86b15275af64f81597a7a3077a";
    FileLink link{"room-1", LinkKind::Recordings, "talk.mp4", kExpires, "rec-7"};
    std::string error;
    const auto url = sign_link(kSecret, link, error);
    assert_true(url.has_value());
    assert_string_equal(url->c_str(), (std::string("/v1/files/room-1/recordings/talk.mp4?expires=1767225600"
                                                   "&recording=rec-7&sig=") +
                                       sig)
                                          .c_str());
    LinkVerdict verdict = verify_link_fields(kSecret, "room-1", "recordings", "talk.mp4", "1767225600", sig, kExpires,
                                             "rec-7");
    assert_int_equal(verdict.check, LinkCheck::Valid);
    assert_string_equal(verdict.link.recording.c_str(), "rec-7");
    assert_int_equal(
        verify_link(kSecret, "/v1/files/room-1/recordings/talk.mp4", "1767225600", sig, kExpires, "rec-7").check,
        LinkCheck::Valid);
    // A link to rec-7 cannot speak for rec-8, nor for no recording at all.
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "recordings", "talk.mp4", "1767225600", sig, kExpires, "rec-8").check,
        LinkCheck::BadSignature);
    assert_int_equal(verify_link_fields(kSecret, "room-1", "recordings", "talk.mp4", "1767225600", sig, kExpires).check,
                     LinkCheck::BadSignature);
    // Only recordings links name a recording, and only a well-formed one.
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "exports", "talk.mp4", "1767225600", sig, kExpires, "rec-7").check,
        LinkCheck::Malformed);
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "recordings", "talk.mp4", "1767225600", sig, kExpires, "rec/7").check,
        LinkCheck::Malformed);
    link.kind = LinkKind::Exports;
    assert_false(sign_link(kSecret, link, error).has_value());
}

static void proves_playback_of_an_s3_recording_without_a_file_link(void **) {
    // python3 -c "import hmac,hashlib; print(hmac.new(secret,
    //             b'v1\nroom-1\ns3-recordings\ntalk.mp4\n1767225600\nrec-7', hashlib.sha256).hexdigest())"
    const char *sig = "776245c69392d88b379a8370e6b774b73361de856938f03a052335d9c37fe25f";
    const FileLink proof{"room-1", LinkKind::S3Recordings, "talk.mp4", kExpires, "rec-7"};
    assert_string_equal(link_signature(kSecret, proof).c_str(), sig);
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "s3-recordings", "talk.mp4", "1767225600", sig, kExpires, "rec-7").check,
        LinkCheck::Valid);
    // Not a proof for a local recording, nor for another recording; a local link is not one either.
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "recordings", "talk.mp4", "1767225600", sig, kExpires, "rec-7").check,
        LinkCheck::BadSignature);
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "s3-recordings", "talk.mp4", "1767225600", sig, kExpires, "rec-8").check,
        LinkCheck::BadSignature);
    const char *local = "1d52d3eaceeb58a5ad9bb50418c7a4d88b18ce86b15275af64f81597a7a3077a";
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "s3-recordings", "talk.mp4", "1767225600", local, kExpires, "rec-7").check,
        LinkCheck::BadSignature);
    // It always names its recording, and no file URL accepts it.
    assert_int_equal(
        verify_link_fields(kSecret, "room-1", "s3-recordings", "talk.mp4", "1767225600", sig, kExpires).check,
        LinkCheck::Malformed);
    assert_int_equal(
        verify_link(kSecret, "/v1/files/room-1/s3-recordings/talk.mp4", "1767225600", sig, kExpires, "rec-7").check,
        LinkCheck::BadPath);
    std::string error;
    FileLink unnamed = proof;
    unnamed.recording.clear();
    assert_false(sign_link(kSecret, unnamed, error).has_value());
    assert_true(sign_link(kSecret, proof, error).has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_the_documented_url),
        cmocka_unit_test(verifies_up_to_and_including_the_expiry),
        cmocka_unit_test(refuses_tampering_and_wrong_secret),
        cmocka_unit_test(refuses_malformed_links),
        cmocka_unit_test(checks_names_before_signing),
        cmocka_unit_test(links_a_track_in_its_tracks_folder),
        cmocka_unit_test(verifies_fields_sent_apart),
        cmocka_unit_test(signs_the_recording_id_of_a_recordings_link),
        cmocka_unit_test(proves_playback_of_an_s3_recording_without_a_file_link),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
