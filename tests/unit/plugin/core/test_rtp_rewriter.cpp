// RTP sequence/timestamp rewriting across source switches (R6).
#include "plugin/core/rtp_rewriter.hpp"

#include <cstring>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::plugin;

static void first_source_passes_unchanged(void **) {
    RtpRewriter rewriter(90000);
    const RtpFields out = rewriter.rewrite({0x1111, 1000, 500000}, 1'000'000);
    assert_int_equal(out.seq, 1000);
    assert_int_equal(out.timestamp, 500000);
    const RtpFields next = rewriter.rewrite({0x1111, 1001, 503000}, 1'033'000);
    assert_int_equal(next.seq, 1001);
    assert_int_equal(next.timestamp, 503000);
}

static void new_ssrc_continues_numbering(void **) {
    RtpRewriter rewriter(90000);
    rewriter.rewrite({0xAAAA, 100, 9000}, 1'000'000);
    rewriter.rewrite({0xAAAA, 101, 12000}, 1'033'333);
    // Another source with unrelated numbering arrives 100 ms later.
    const RtpFields out = rewriter.rewrite({0xBBBB, 40000, 777777}, 1'133'333);
    assert_int_equal(out.seq, 102);
    assert_int_equal(out.timestamp, 12000 + 9000);
    const RtpFields next = rewriter.rewrite({0xBBBB, 40001, 780777}, 1'166'666);
    assert_int_equal(next.seq, 103);
    assert_int_equal(next.timestamp, 12000 + 9000 + 3000);
}

static void explicit_switch_with_same_ssrc(void **) {
    RtpRewriter rewriter(48000);
    rewriter.rewrite({7, 10, 960}, 1'000'000);
    rewriter.mark_switch();
    const RtpFields out = rewriter.rewrite({7, 5000, 100}, 1'020'000);
    assert_int_equal(out.seq, 11);
    assert_int_equal(out.timestamp, 960 + 960);
}

static void wraps_around_sixteen_bits(void **) {
    RtpRewriter rewriter(90000);
    rewriter.rewrite({1, 65534, 0xFFFFF000u}, 1'000'000);
    rewriter.rewrite({2, 300, 10}, 1'000'000); // switch: next seq is 65535, ts +1 (no gap)
    const RtpFields a = rewriter.rewrite({2, 301, 3010}, 1'033'000);
    assert_int_equal(a.seq, 0);
    assert_int_equal(a.timestamp, 0xFFFFF000u + 1 + 3000);
}

static void reordered_packet_keeps_its_place(void **) {
    RtpRewriter rewriter(90000);
    rewriter.rewrite({1, 10, 1000}, 1'000'000);
    rewriter.rewrite({2, 500, 50000}, 1'010'000); // switch → 11
    rewriter.rewrite({2, 502, 56000}, 1'020'000); // → 13
    const RtpFields late = rewriter.rewrite({2, 501, 53000}, 1'025'000);
    assert_int_equal(late.seq, 12);
    // The late one must not move the reference: a switch now continues after 13.
    rewriter.mark_switch();
    assert_int_equal(rewriter.rewrite({3, 1, 1}, 1'030'000).seq, 14);
}

static void switch_before_any_packet_affects_only_the_first(void **) {
    // A keyframe's packets share one timestamp; all of them must keep it.
    RtpRewriter rewriter(90000);
    rewriter.mark_switch();
    const RtpFields a = rewriter.rewrite({9, 500, 9000}, 1'000'000);
    const RtpFields b = rewriter.rewrite({9, 501, 9000}, 1'000'100);
    const RtpFields c = rewriter.rewrite({9, 502, 9000}, 1'000'200);
    assert_int_equal(a.timestamp, 9000);
    assert_int_equal(b.timestamp, 9000);
    assert_int_equal(c.timestamp, 9000);
    assert_int_equal(c.seq, 502);
}

static void continues_from_another_rewriters_numbering(void **) {
    RtpRewriter rewriter(90000);
    rewriter.continue_from(7000, 123456, 5'000'000);
    const RtpFields first = rewriter.rewrite({42, 100, 1000}, 5'100'000); // 100 ms later
    assert_int_equal(first.seq, 7001);
    assert_int_equal(first.timestamp, 123456 + 9000);
    const RtpFields same_frame = rewriter.rewrite({42, 101, 1000}, 5'100'050);
    assert_int_equal(same_frame.seq, 7002);
    assert_int_equal(same_frame.timestamp, 123456 + 9000);
}

static void reads_and_writes_header_fields(void **) {
    uint8_t packet[20] = {0x80, 0x60, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04};
    RtpFields fields;
    assert_true(read_rtp_fields(packet, sizeof packet, fields));
    assert_int_equal(fields.seq, 0x1234);
    assert_int_equal(fields.timestamp, 0xDEADBEEFu);
    assert_int_equal(fields.ssrc, 0x01020304u);
    write_rtp_fields(packet, {0xA0B0C0D0u, 0x4321, 0x01020304u});
    write_rtp_payload_type(packet, 111);
    assert_true(read_rtp_fields(packet, sizeof packet, fields));
    assert_int_equal(fields.seq, 0x4321);
    assert_int_equal(fields.timestamp, 0x01020304u);
    assert_int_equal(fields.ssrc, 0xA0B0C0D0u);
    assert_int_equal(packet[1], 111); // marker bit kept (0), payload type replaced
    packet[1] = 0x80 | 96;
    write_rtp_payload_type(packet, 100);
    assert_int_equal(packet[1], 0x80 | 100);
    assert_false(read_rtp_fields(packet, 11, fields));
    packet[0] = 0x40; // version 1
    assert_false(read_rtp_fields(packet, sizeof packet, fields));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_source_passes_unchanged),
        cmocka_unit_test(new_ssrc_continues_numbering),
        cmocka_unit_test(explicit_switch_with_same_ssrc),
        cmocka_unit_test(wraps_around_sixteen_bits),
        cmocka_unit_test(reordered_packet_keeps_its_place),
        cmocka_unit_test(reads_and_writes_header_fields),
        cmocka_unit_test(switch_before_any_packet_affects_only_the_first),
        cmocka_unit_test(continues_from_another_rewriters_numbering),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
