// The isolated track's sidecar: what the worker writes beside a track, what the plugin reads.
#include "recorder/contract/track_sidecar.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static void round_trip(void **) {
    TrackSidecar sidecar;
    sidecar.stream = 7;
    sidecar.spec.kind = MediaKind::Audio;
    sidecar.spec.codec = Codec::Opus;
    sidecar.spec.payload_type = 111;
    sidecar.spec.participant = "p-1";
    sidecar.spec.label = "Zo\xc3\xab";
    sidecar.file = "stream-7.mkv";
    sidecar.start_offset_ms = -40; // began before the composite's first frame
    const auto decoded = decode_track_sidecar(encode(sidecar));
    assert_non_null(std::get_if<TrackSidecar>(&decoded));
    assert_true(std::get<TrackSidecar>(decoded) == sidecar);
    sidecar.duration_ms = 12345;
    assert_true(std::get<TrackSidecar>(decode_track_sidecar(encode(sidecar))) == sidecar);
}

static void refuses_files_outside_its_folder(void **) {
    for (const char *file : {"../x.mkv", "a/b.mkv", ".hidden", ""}) {
        const std::string json = std::string(R"({"stream": 1, "file": ")") + file +
                                 R"(", "start_offset_ms": 0, "duration_ms": -1, "kind": "video", "codec": "vp8",
                                    "payload_type": 96})";
        const auto refusal = decode_track_sidecar(json);
        const auto *error = std::get_if<ContractError>(&refusal);
        assert_non_null(error);
        assert_string_equal(error->field.c_str(), "file");
    }
}

static void refuses_a_bad_description(void **) {
    const auto decoded = decode_track_sidecar(
        R"({"stream": 1, "file": "s.mkv", "start_offset_ms": 0, "duration_ms": -1, "kind": "audio", "codec": "vp8",
            "payload_type": 96})");
    const auto *error = std::get_if<ContractError>(&decoded);
    assert_non_null(error);
    assert_string_equal(error->field.c_str(), "codec");
    // Torn: the worker was killed while writing (it renames, but a copy may not).
    const auto torn = decode_track_sidecar(R"({"stream": 1, "fi)");
    assert_non_null(std::get_if<ContractError>(&torn));
}

static void extensions(void **) {
    assert_string_equal(track_extension(Codec::H264), "mp4");
    assert_string_equal(track_extension(Codec::Vp8), "mkv");
    assert_string_equal(track_extension(Codec::Vp9), "mkv");
    assert_string_equal(track_extension(Codec::Opus), "mkv");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(refuses_files_outside_its_folder),
        cmocka_unit_test(refuses_a_bad_description),
        cmocka_unit_test(extensions),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
