// The typed control payloads between the plugin and the recorder worker.
#include "recorder/contract/control_messages.hpp"

#include "common/utf8.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

template <typename T> static T decoded(const Decoded<T> &result) {
    if (const auto *error = std::get_if<ContractError>(&result)) fail_msg("refused: %s", error->message.c_str());
    return std::get<T>(result);
}

// Refused, naming field in both the error's field and its message.
template <typename T> static void refused(const Decoded<T> &result, const char *field) {
    const auto *error = std::get_if<ContractError>(&result);
    if (error == nullptr) fail_msg("accepted, expected a complaint about \"%s\"", field);
    assert_string_equal(error->field.c_str(), field);
    if (*field != '\0' && error->message.find(std::string("\"") + field + "\"") == std::string::npos)
        fail_msg("message does not name %s: %s", field, error->message.c_str());
}

static void config_round_trip(void **) {
    WorkerConfig config;
    config.output = "/var/rec/room \"a\"/segment-0.mp4";
    config.width = 1280;
    config.height = 720;
    config.fps = 25;
    config.video_bitrate_kbps = 2500;
    config.audio_bitrate_bps = 96000;
    config.fragment_ms = 500;
    config.x264_preset = "veryfast";
    config.max_stage_width = 2560;
    config.max_stage_height = 1440;
    config.max_webcam_width = 720; // a portrait bound: fits either way round
    config.max_webcam_height = 1280;
    config.memory_limit_mib = 768;
    config.tracks = "/var/rec/room/tracks-0";
    assert_true(decoded(decode_worker_config(encode(config))) == config);
    config.memory_limit_mib = 0; // no limit
    assert_true(decoded(decode_worker_config(encode(config))) == config);
    // The default settings survive too (what the plugin sends for a stock configuration).
    WorkerConfig defaults;
    defaults.output = "/tmp/x.mp4";
    assert_true(decoded(decode_worker_config(encode(defaults))) == defaults);
}

static void config_fields_with_defaults_may_be_absent(void **) {
    const WorkerConfig config = decoded(decode_worker_config(R"({"output": "/tmp/a.mp4", "fps": 15})"));
    assert_string_equal(config.output.c_str(), "/tmp/a.mp4");
    assert_int_equal(config.fps, 15);
    assert_int_equal(config.width, 1920);
    assert_int_equal(config.height, 1080);
    assert_int_equal(config.fragment_ms, 1000);
    assert_string_equal(config.x264_preset.c_str(), "ultrafast");
    assert_int_equal(config.max_stage_width, 3840);
    assert_int_equal(config.max_stage_height, 2160);
    assert_int_equal(config.max_webcam_width, 1920);
    assert_int_equal(config.max_webcam_height, 1080);
    assert_int_equal(config.memory_limit_mib, 1024);
    assert_true(config.tracks.empty()); // no isolated tracks
}

static void config_refuses_bad_fields(void **) {
    refused(decode_worker_config(R"({})"), "output");
    refused(decode_worker_config(R"({"output": ""})"), "output");
    refused(decode_worker_config(R"({"output": 7})"), "output");
    refused(decode_worker_config(R"({"output": "/a", "width": 1921})"), "width");
    refused(decode_worker_config(R"({"output": "/a", "width": 8})"), "width");
    refused(decode_worker_config(R"({"output": "/a", "width": "1920"})"), "width");
    refused(decode_worker_config(R"({"output": "/a", "height": 1081})"), "height");
    refused(decode_worker_config(R"({"output": "/a", "fps": 0})"), "fps");
    refused(decode_worker_config(R"({"output": "/a", "fps": 61})"), "fps");
    refused(decode_worker_config(R"({"output": "/a", "fps": 30.0})"), "fps");
    refused(decode_worker_config(R"({"output": "/a", "fps": 9223372036854775807})"), "fps");
    refused(decode_worker_config(R"({"output": "/a", "video_bitrate_kbps": -1})"), "video_bitrate_kbps");
    refused(decode_worker_config(R"({"output": "/a", "audio_bitrate_bps": 0})"), "audio_bitrate_bps");
    refused(decode_worker_config(R"({"output": "/a", "fragment_ms": 0})"), "fragment_ms");
    refused(decode_worker_config(R"({"output": "/a", "x264_preset": "turbo"})"), "x264_preset");
    refused(decode_worker_config(R"({"output": "/a", "x264_preset": null})"), "x264_preset");
    refused(decode_worker_config(R"({"output": "/a", "max_stage_width": 63})"), "max_stage_width");
    refused(decode_worker_config(R"({"output": "/a", "max_stage_height": 8193})"), "max_stage_height");
    refused(decode_worker_config(R"({"output": "/a", "max_webcam_width": "1280"})"), "max_webcam_width");
    refused(decode_worker_config(R"({"output": "/a", "max_webcam_height": 0})"), "max_webcam_height");
    refused(decode_worker_config(R"({"output": "/a", "memory_limit_mib": 255})"), "memory_limit_mib");
    refused(decode_worker_config(R"({"output": "/a", "memory_limit_mib": -1})"), "memory_limit_mib");
    refused(decode_worker_config(R"({"output": "/a", "memory_limit_mib": 65537})"), "memory_limit_mib");
    // A misspelt field would otherwise silently fall back to its default.
    refused(decode_worker_config(R"({"output": "/a", "video_bitrate": 2000})"), "video_bitrate");
}

static void the_first_problem_is_reported(void **) {
    const auto result = decode_worker_config(R"({"output": "", "width": 3, "fps": 0})");
    refused(result, "output");
}

static void unusable_payloads_are_refused(void **) {
    for (const char *text : {"", "{not json", "[]", "\"config\"", "null", "{\"output\": \"/a\"} trailing",
                             "{\"output\": \"/a\", \"output\": \"/b\"}"}) {
        const auto config = decode_worker_config(text);
        assert_true(std::holds_alternative<ContractError>(config));
        assert_false(std::get<ContractError>(config).message.empty());
        assert_true(std::holds_alternative<ContractError>(decode_stream_spec(text)));
        assert_true(std::holds_alternative<ContractError>(decode_worker_event(text)));
    }
    refused(decode_worker_config("[1]"), "");
    // Embedded NUL bytes end neither the parse nor the process.
    assert_true(
        std::holds_alternative<ContractError>(decode_worker_config(std::string_view("{\"output\":\"a\0b\"}", 17))));
}

// A worker's broken bytes: jansson's error quotes them cut anywhere; the plugin logs the
// message, so it must be UTF-8 (fuzz_delivery_spool found the same in delivery events).
static void the_error_for_broken_bytes_is_utf8(void **) {
    const auto decoded = decode_worker_event("{\"event\\\xcf\x9b\xc6\x9a\xc8\xd3:\x92\xcf\x9b\xc6\x9a\xc8\xd3:\"");
    const auto *error = std::get_if<ContractError>(&decoded);
    assert_non_null(error);
    assert_true(roomrec::common::valid_utf8(error->message));
}

static void stream_spec_round_trip(void **) {
    for (const Codec codec : {Codec::Vp8, Codec::Vp9, Codec::H264, Codec::Opus}) {
        for (const StreamSource source : {StreamSource::Webcam, StreamSource::Stage}) {
            StreamSpec spec;
            spec.kind = codec_kind(codec);
            spec.source = source;
            spec.codec = codec;
            spec.payload_type = codec == Codec::Opus ? 111 : 127;
            spec.participant = "p-1\xc3\xa9";
            spec.label = "Zo\xc3\xab";
            assert_true(decoded(decode_stream_spec(encode(spec))) == spec);
        }
    }
}

static void stream_spec_wire_names(void **) {
    const StreamSpec spec = decoded(decode_stream_spec(
        R"({"kind": "video", "source": "stage", "codec": "h264", "payload_type": 102, "participant": "alice"})"));
    assert_true(spec.kind == MediaKind::Video);
    assert_true(spec.source == StreamSource::Stage);
    assert_true(spec.codec == Codec::H264);
    assert_int_equal(spec.payload_type, 102);
    assert_string_equal(spec.participant.c_str(), "alice");
    const StreamSpec audio = decoded(decode_stream_spec(R"({"kind": "audio", "codec": "opus", "payload_type": 0})"));
    assert_true(audio.source == StreamSource::Webcam);
    assert_true(audio.participant.empty());
    assert_string_equal(codec_name(Codec::Vp9), "vp9");
    assert_true(codec_from_name("opus") == Codec::Opus);
    assert_false(codec_from_name("theora").has_value());
    assert_false(codec_from_name("VP8").has_value());
}

static void stream_spec_refuses_bad_fields(void **) {
    refused(decode_stream_spec(R"({"codec": "vp8", "payload_type": 96})"), "kind");
    refused(decode_stream_spec(R"({"kind": "screen", "codec": "vp8", "payload_type": 96})"), "kind");
    refused(decode_stream_spec(R"({"kind": "video", "payload_type": 96})"), "codec");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "theora", "payload_type": 96})"), "codec");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "opus", "payload_type": 96})"), "codec");
    refused(decode_stream_spec(R"({"kind": "audio", "codec": "vp8", "payload_type": 96})"), "codec");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8"})"), "payload_type");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8", "payload_type": 128})"), "payload_type");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8", "payload_type": -1})"), "payload_type");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8", "payload_type": 96, "source": "slides"})"),
            "source");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8", "payload_type": 96, "participant": 5})"),
            "participant");
    refused(decode_stream_spec(R"({"kind": "video", "codec": "vp8", "payload_type": 96, "ssrc": 5})"), "ssrc");
}

static void event_round_trip(void **) {
    for (const WorkerEvent &event :
         {WorkerEvent::first_frame("/rec/segment-0.mp4"), WorkerEvent::finished(8.125, 3), WorkerEvent::finished(0, 0),
          WorkerEvent::finished(2, 0, 412), WorkerEvent::error("compositor: \"not negotiated\""),
          WorkerEvent::input_rejected(3, 16383, 16383, 1), WorkerEvent::input_rejected(65535, 0, 0, 90000)}) {
        assert_true(decoded(decode_worker_event(encode(event))) == event);
    }
    // What the plugin reads today: "event" and "message" by name.
    Json error = parse_json(encode(WorkerEvent::error("boom")).c_str());
    assert_string_equal(json_string_value(json_object_get(error.get(), "event")), "error");
    assert_string_equal(json_string_value(json_object_get(error.get(), "message")), "boom");
}

static void event_refuses_bad_fields(void **) {
    refused(decode_worker_event(R"({"path": "/a"})"), "event");
    refused(decode_worker_event(R"({"event": "started"})"), "event");
    refused(decode_worker_event(R"({"event": "first_frame"})"), "path");
    refused(decode_worker_event(R"({"event": "finished", "wall_seconds": 1.5})"), "dropped_packets");
    refused(decode_worker_event(R"({"event": "finished", "wall_seconds": -1, "dropped_packets": 0})"), "wall_seconds");
    refused(decode_worker_event(R"({"event": "finished", "wall_seconds": 1, "dropped_packets": -2})"),
            "dropped_packets");
    refused(decode_worker_event(R"({"event": "finished", "wall_seconds": 1, "dropped_packets": 0})"), "dropped_frames");
    refused(decode_worker_event(R"({"event": "error"})"), "message");
    refused(decode_worker_event(R"({"event": "input_rejected", "width": 1, "height": 1, "dropped_frames": 1})"),
            "stream");
    refused(decode_worker_event(
                R"({"event": "input_rejected", "stream": 65536, "width": 1, "height": 1, "dropped_frames": 1})"),
            "stream");
    refused(decode_worker_event(
                R"({"event": "input_rejected", "stream": 1, "width": -1, "height": 1, "dropped_frames": 1})"),
            "width");
    refused(decode_worker_event(R"({"event": "input_rejected", "stream": 1, "width": 1, "dropped_frames": 1})"),
            "height");
    refused(decode_worker_event(R"({"event": "input_rejected", "stream": 1, "width": 1, "height": 1})"),
            "dropped_frames");
    // A field of another kind of event.
    refused(decode_worker_event(R"({"event": "error", "message": "x", "path": "/a"})"), "path");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_round_trip),
        cmocka_unit_test(config_fields_with_defaults_may_be_absent),
        cmocka_unit_test(config_refuses_bad_fields),
        cmocka_unit_test(the_first_problem_is_reported),
        cmocka_unit_test(unusable_payloads_are_refused),
        cmocka_unit_test(the_error_for_broken_bytes_is_utf8),
        cmocka_unit_test(stream_spec_round_trip),
        cmocka_unit_test(stream_spec_wire_names),
        cmocka_unit_test(stream_spec_refuses_bad_fields),
        cmocka_unit_test(event_round_trip),
        cmocka_unit_test(event_refuses_bad_fields),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
