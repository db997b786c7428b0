// A sender report brought forward: NTP and RTP times move together by the same span (so the
// clock mapping is unchanged), the rest of the compound (SDES CNAME) is untouched, the RTP time
// wraps as RTP's does, and anything but a sender report is refused.
#include "plugin/core/sender_report.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

#include <vector>

using roomrec::plugin::advance_sender_report;
using roomrec::plugin::starts_with_sender_report;

namespace {

uint32_t at(const std::vector<uint8_t> &p, size_t offset) {
    return (uint32_t(p[offset]) << 24) | (uint32_t(p[offset + 1]) << 16) | (uint32_t(p[offset + 2]) << 8) |
           p[offset + 3];
}

// SR (no report blocks) for SSRC 0x11223344 + SDES with a CNAME "ab".
std::vector<uint8_t> compound(uint32_t ntp_seconds, uint32_t ntp_fraction, uint32_t rtp) {
    std::vector<uint8_t> p = {0x80, 200, 0, 6, 0x11, 0x22, 0x33, 0x44};
    for (uint32_t word : {ntp_seconds, ntp_fraction, rtp, 7u, 900u})
        for (int shift = 24; shift >= 0; shift -= 8) p.push_back(uint8_t(word >> shift));
    const std::vector<uint8_t> sdes = {0x81, 202, 0, 2, 0x11, 0x22, 0x33, 0x44, 1, 2, 'a', 'b'};
    p.insert(p.end(), sdes.begin(), sdes.end());
    return p;
}

} // namespace

static void ntp_and_rtp_move_by_the_same_span(void **) {
    const std::vector<uint8_t> sr = compound(1000, 0x80000000u, 5000); // 1000.5 s
    const std::vector<uint8_t> out = advance_sender_report(sr.data(), sr.size(), 1'750'000, 90000);
    assert_int_equal(out.size(), sr.size());
    // 1000.5 + 1.75 = 1002.25 s
    assert_int_equal(at(out, 8), 1002);
    assert_int_equal(at(out, 12), 0x40000000u);
    assert_int_equal(at(out, 16), 5000 + 157500);
    // SSRC, counts and the SDES are those of the report.
    assert_memory_equal(out.data(), sr.data(), 8);
    assert_memory_equal(out.data() + 20, sr.data() + 20, sr.size() - 20);
}

static void audio_clock_and_rtp_wrap_around(void **) {
    const std::vector<uint8_t> sr = compound(5, 0, 0xFFFFFF00u);
    const std::vector<uint8_t> out = advance_sender_report(sr.data(), sr.size(), 20'000, 48000);
    assert_int_equal(at(out, 16), 0x2C0); // 0xFFFFFF00 + 960 ticks, modulo 2^32
    assert_int_equal(at(out, 8), 5);
    // 20 ms of 2^32: 85899345.92
    assert_int_equal(at(out, 12), 85899346u);
}

static void only_sender_reports(void **) {
    std::vector<uint8_t> rr = compound(1, 0, 0);
    rr[1] = 201;
    assert_false(starts_with_sender_report(rr.data(), rr.size()));
    assert_true(advance_sender_report(rr.data(), rr.size(), 1000, 90000).empty());
    const std::vector<uint8_t> sr = compound(1, 0, 0);
    assert_true(starts_with_sender_report(sr.data(), sr.size()));
    assert_false(starts_with_sender_report(sr.data(), 27)); // cut short
    assert_true(advance_sender_report(sr.data(), sr.size(), -1, 90000).empty());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ntp_and_rtp_move_by_the_same_span),
        cmocka_unit_test(audio_clock_and_rtp_wrap_around),
        cmocka_unit_test(only_sender_reports),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
