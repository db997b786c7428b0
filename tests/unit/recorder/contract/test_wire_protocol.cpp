// Plugin ⇄ recorder worker framing.
#include "recorder/contract/wire_protocol.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static void round_trip(void **) {
    const auto bytes = encode_wire(WireType::Rtp, 0x1234, std::string_view("\x80\x60payload", 9));
    assert_int_equal(bytes.size(), 12);
    assert_int_equal(bytes[0], 4);
    assert_int_equal(bytes[1], 0x12);
    assert_int_equal(bytes[2], 0x34);
    const auto message = decode_wire(bytes.data(), bytes.size());
    assert_true(message.has_value());
    assert_int_equal(message->type, WireType::Rtp);
    assert_int_equal(message->stream, 0x1234);
    assert_int_equal(message->payload.size(), 9);
    assert_memory_equal(message->payload.data(), "\x80\x60payload", 9);
}

static void empty_payload_and_every_type(void **) {
    for (const WireType type :
         {WireType::Config, WireType::AddStream, WireType::RemoveStream, WireType::Rtp, WireType::Rtcp,
          WireType::TimedRtp, WireType::TimedRtcp, WireType::Stop, WireType::Event}) {
        const auto bytes = encode_wire(type, 7, "");
        const auto message = decode_wire(bytes.data(), bytes.size());
        assert_true(message.has_value());
        assert_int_equal(message->type, type);
        assert_true(message->payload.empty());
    }
}

static void rejects_bad_records(void **) {
    const uint8_t short_record[2] = {4, 0};
    assert_false(decode_wire(short_record, sizeof short_record).has_value());
    assert_false(decode_wire(nullptr, 5).has_value());
    const uint8_t unknown[4] = {99, 0, 1, 0};
    assert_false(decode_wire(unknown, sizeof unknown).has_value());
    const uint8_t zero[3] = {0, 0, 0};
    assert_false(decode_wire(zero, sizeof zero).has_value());
    std::vector<uint8_t> huge(kMaxWireMessage + 1, 0);
    huge[0] = 4;
    assert_false(decode_wire(huge.data(), huge.size()).has_value());
}

static void header_in_place(void **) {
    uint8_t buffer[8] = {0, 0, 0, 'a', 'b', 'c', 'd', 'e'};
    write_wire_header(buffer, WireType::Rtcp, 513);
    const auto message = decode_wire(buffer, sizeof buffer);
    assert_true(message.has_value());
    assert_int_equal(message->type, WireType::Rtcp);
    assert_int_equal(message->stream, 513);
    assert_int_equal(message->payload.size(), 5);
}

static void timed_packet_carries_its_arrival(void **) {
    uint8_t record[kWireHeader + kArrivalBytes + 3] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x60, 0x01};
    write_wire_header(record, WireType::TimedRtp, 9);
    write_arrival(record + kWireHeader, 0x0102030405060708LL);
    const auto message = decode_wire(record, sizeof record);
    assert_true(message.has_value());
    assert_int_equal(message->type, WireType::TimedRtp);
    const auto timed = split_arrival(message->payload);
    assert_true(timed.has_value());
    assert_int_equal(timed->arrival_us, 0x0102030405060708LL);
    assert_int_equal(timed->packet.size(), 3);
    assert_memory_equal(timed->packet.data(), "\x80\x60\x01", 3);
    assert_false(split_arrival(std::string_view("\x01\x02", 2)).has_value()); // no room for an arrival
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(empty_payload_and_every_type),
        cmocka_unit_test(rejects_bad_records),
        cmocka_unit_test(header_in_place),
        cmocka_unit_test(timed_packet_carries_its_arrival),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
