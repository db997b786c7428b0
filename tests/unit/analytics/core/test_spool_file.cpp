// The spool file on a real temporary folder: records come back in order; a torn tail, flipped
// bits, a huge length field or an empty file are detected and counted, never a crash.
#include "analytics/core/spool_file.hpp"
#include "common/crc32.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static std::string temp_path() {
    char pattern[] = "/tmp/roomrec-tspool-XXXXXX";
    const char *made = mkdtemp(pattern);
    assert_non_null(made);
    return std::string(made) + "/batches.spool";
}

static std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

static void spit(const std::string &path, const std::string &bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Three records: ids b1..b3, payloads of 10, 0 and 3000 bytes (one with a fake magic inside).
static std::string three_records(const std::string &path) {
    SpoolFile file(path);
    std::string error;
    assert_true(file.open_for_append(error));
    assert_true(file.append("b1", "0123456789", error));
    assert_true(file.append("b2", "", error));
    assert_true(file.append("b3", "xxRRTS" + std::string(2994, 'p'), error));
    return slurp(path);
}

static void crc32_matches_the_standard(void **) {
    assert_int_equal(roomrec::common::crc32("123456789"), 0xCBF43926u);
    assert_int_equal(roomrec::common::crc32(""), 0);
    assert_int_equal(roomrec::common::crc32("6789", roomrec::common::crc32("12345")), 0xCBF43926u);
}

static void records_round_trip_in_order(void **) {
    const std::string path = temp_path();
    const std::string bytes = three_records(path);
    struct stat info {};
    assert_int_equal(stat(path.c_str(), &info), 0);
    assert_int_equal(info.st_mode & 0777, 0600);
    std::string error;
    const auto scan = SpoolFile::read(path, error);
    assert_true(scan.has_value());
    assert_int_equal(scan->records.size(), 3);
    assert_string_equal(scan->records[0].batch_id.c_str(), "b1");
    assert_string_equal(scan->records[0].payload.c_str(), "0123456789");
    assert_true(scan->records[1].payload.empty());
    assert_int_equal(scan->records[2].payload.size(), 3000);
    assert_int_equal(scan->corrupt_regions + scan->torn_bytes, 0);
    assert_int_equal(scan->valid_end, bytes.size());
    // Appending to an existing file continues it.
    SpoolFile again(path);
    assert_true(again.open_for_append(error));
    assert_true(again.append("b4", "more", error));
    assert_int_equal(SpoolFile::read(path, error)->records.size(), 4);
}

static void a_torn_tail_is_skipped_then_cut_off(void **) {
    const std::string path = temp_path();
    const std::string bytes = three_records(path);
    const size_t third = scan_spool(bytes).records[2].offset;
    for (const size_t keep : {third + 1, third + 4, third + 11, bytes.size() - 1}) {
        const SpoolScan scan = scan_spool(std::string_view(bytes).substr(0, keep));
        assert_int_equal(scan.records.size(), 2);
        assert_int_equal(scan.torn_bytes, keep - third);
        assert_int_equal(scan.corrupt_regions, 0);
        assert_int_equal(scan.valid_end, third);
    }
    spit(path, bytes.substr(0, bytes.size() - 7));
    SpoolFile file(path);
    std::string error;
    assert_true(file.open_for_append(error));
    assert_int_equal(file.truncated_bytes(), bytes.size() - 7 - third);
    assert_true(file.append("b4", "after the crash", error));
    const auto scan = SpoolFile::read(path, error);
    assert_int_equal(scan->records.size(), 3);
    assert_string_equal(scan->records[2].batch_id.c_str(), "b4");
    assert_int_equal(scan->torn_bytes + scan->corrupt_regions, 0);
}

static void flipped_bits_skip_only_the_damaged_record(void **) {
    const std::string bytes = three_records(temp_path());
    const auto clean = scan_spool(bytes);
    const size_t second = clean.records[1].offset, third = clean.records[2].offset;
    // Every single bit of the second record flipped in turn: b1 and b3 always survive.
    for (size_t at = second; at < third; ++at) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string damaged = bytes;
            damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
            const SpoolScan scan = scan_spool(damaged);
            assert_int_equal(scan.records.size(), 2);
            assert_string_equal(scan.records[0].batch_id.c_str(), "b1");
            assert_string_equal(scan.records[1].batch_id.c_str(), "b3");
            assert_int_equal(scan.corrupt_regions, 1);
            assert_int_equal(scan.corrupt_bytes, third - second);
        }
    }
    // A flipped bit in the last record's payload: the record is gone, counted as corrupt.
    std::string damaged = bytes;
    damaged[bytes.size() - 10] ^= 0x20;
    const SpoolScan scan = scan_spool(damaged);
    assert_int_equal(scan.records.size(), 2);
    assert_int_equal(scan.corrupt_regions, 1);
    assert_int_equal(scan.torn_bytes, 0);
}

static void a_huge_length_field_is_corruption(void **) {
    const std::string bytes = three_records(temp_path());
    const size_t second = scan_spool(bytes).records[1].offset;
    for (const uint32_t length : {0xFFFFFFFFu, kMaxSpoolBody + 1, 0u, 1u}) {
        std::string damaged = bytes;
        std::memcpy(&damaged[second + 4], &length, 4);
        const SpoolScan scan = scan_spool(damaged);
        assert_int_equal(scan.records.size(), 2);
        assert_int_equal(scan.corrupt_regions, 1);
    }
    std::string last = bytes; // at the end: no allocation of 4 GiB, no crash
    const uint32_t huge = 0xFFFFFFF0u;
    std::memcpy(&last[scan_spool(bytes).records[2].offset + 4], &huge, 4);
    assert_int_equal(scan_spool(last).records.size(), 2);
}

static void empty_and_garbage_files(void **) {
    const std::string path = temp_path();
    spit(path, "");
    std::string error;
    const auto empty = SpoolFile::read(path, error);
    assert_true(empty.has_value());
    assert_int_equal(empty->records.size() + empty->corrupt_regions + empty->torn_bytes, 0);
    const SpoolScan garbage = scan_spool("this is not a spool file at all");
    assert_int_equal(garbage.records.size(), 0);
    assert_int_equal(garbage.corrupt_regions, 1);
    assert_int_equal(garbage.valid_end, 0);
    assert_int_equal(scan_spool("RR").torn_bytes, 2); // a crash right after the write began
    assert_false(SpoolFile::read(path + ".missing", error).has_value());
    assert_non_null(strstr(error.c_str(), "cannot open the spool file"));
    SpoolFile closed(path);
    assert_false(closed.append("b", "p", error));
}

// Found by fuzz/fuzz_telemetry_spool.cpp: after damage, every later magic is checked, and a
// file of nothing but headers whose lengths run to its end cost a CRC of the rest of the file
// per header (a 256 KiB file took 21 s; this 1 MiB one minutes). The scan stays linear.
static void resynchronising_after_damage_stays_linear(void **) {
    const size_t size = 1u << 20;
    std::string bytes = "XXXX";
    while (bytes.size() + kSpoolHeaderBytes <= size) {
        const auto length = static_cast<uint32_t>(size - bytes.size() - kSpoolHeaderBytes);
        bytes += "RRTS";
        bytes.append(reinterpret_cast<const char *>(&length), 4);
        bytes.append(4, '\0'); // a CRC that never matches these bodies
    }
    bytes.resize(size, 'x');
    const auto start = std::chrono::steady_clock::now();
    const SpoolScan scan = scan_spool(bytes);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    assert_true(scan.records.empty());
    assert_int_equal(scan.corrupt_bytes + scan.torn_bytes, size);
    assert_true(seconds < 5.0);
    // A damaged record among valid ones is still skipped to the next valid record.
    std::string mixed = encode_spool_record("a", "one") + bytes.substr(0, 4096) + encode_spool_record("b", "two");
    const SpoolScan resumed = scan_spool(mixed);
    assert_int_equal(resumed.records.size(), 2);
    assert_string_equal(resumed.records[1].payload.c_str(), "two");
}

static void oversized_records_are_refused(void **) {
    assert_true(encode_spool_record(std::string(70000, 'i'), "p").empty());
    assert_true(encode_spool_record("id", std::string(kMaxSpoolBody, 'p')).empty());
    assert_false(encode_spool_record("id", std::string(kMaxSpoolBody - 4, 'p')).empty());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32_matches_the_standard),
        cmocka_unit_test(records_round_trip_in_order),
        cmocka_unit_test(a_torn_tail_is_skipped_then_cut_off),
        cmocka_unit_test(flipped_bits_skip_only_the_damaged_record),
        cmocka_unit_test(a_huge_length_field_is_corruption),
        cmocka_unit_test(empty_and_garbage_files),
        cmocka_unit_test(oversized_records_are_refused),
        cmocka_unit_test(resynchronising_after_damage_stays_linear),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
