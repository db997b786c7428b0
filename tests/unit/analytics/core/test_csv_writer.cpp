// CSV writing: RFC 4180 quoting, CRLF rows, UTF-8 only (invalid bytes become U+FFFD), the BOM
// and header options, the formula-injection guard on user text only, and bounded buffering.
#include "analytics/core/csv_writer.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static std::string field(std::string_view value, bool guard = false) {
    std::string out;
    append_csv_field(out, value, guard);
    return out;
}

static void plain_fields_are_not_quoted(void **) {
    assert_string_equal(field("abc").c_str(), "abc");
    assert_string_equal(field("").c_str(), "");
    assert_string_equal(field(" spaced ").c_str(), " spaced ");
    assert_string_equal(field("it's").c_str(), "it's");
    assert_string_equal(field("caf\xc3\xa9 \xf0\x9f\x8e\xa5").c_str(), "caf\xc3\xa9 \xf0\x9f\x8e\xa5");
}

static void quote_comma_cr_lf_are_quoted_and_quotes_doubled(void **) {
    assert_string_equal(field("a,b").c_str(), "\"a,b\"");
    assert_string_equal(field("say \"hi\"").c_str(), "\"say \"\"hi\"\"\"");
    assert_string_equal(field("\"").c_str(), "\"\"\"\"");
    assert_string_equal(field("line\nbreak").c_str(), "\"line\nbreak\"");
    assert_string_equal(field("cr\rhere").c_str(), "\"cr\rhere\"");
    assert_string_equal(field("a\r\nb").c_str(), "\"a\r\nb\"");
}

static void invalid_utf8_becomes_replacement_characters(void **) {
    std::string out;
    assert_int_equal(append_csv_field(out, "a\xc3(b", false), 1);
    assert_string_equal(out.c_str(), "a\xef\xbf\xbd(b");
    out.clear();
    // Overlong, surrogate, beyond U+10FFFF, cut short: every offending byte is replaced.
    assert_int_equal(append_csv_field(out, "\xc0\xaf", false), 2);
    assert_string_equal(out.c_str(), "\xef\xbf\xbd\xef\xbf\xbd");
    out.clear();
    assert_int_equal(append_csv_field(out, "\xed\xa0\x80", false), 3);
    out.clear();
    assert_int_equal(append_csv_field(out, "\xf4\x90\x80\x80", false), 4);
    out.clear();
    assert_int_equal(append_csv_field(out, "end\xf0\x9f\x8e", false), 3);
    assert_string_equal(out.c_str(), "end\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void formula_guard_on_user_text(void **) {
    assert_string_equal(field("=cmd|' /C calc'!A0", true).c_str(), "'=cmd|' /C calc'!A0");
    assert_string_equal(field("+1", true).c_str(), "'+1");
    assert_string_equal(field("-2+3", true).c_str(), "'-2+3");
    assert_string_equal(field("@SUM(A1)", true).c_str(), "'@SUM(A1)");
    assert_string_equal(field("\tx", true).c_str(), "'\tx");
    assert_string_equal(field("\rx", true).c_str(), "\"'\rx\"");   // CR also forces quotes
    assert_string_equal(field("=1,2", true).c_str(), "\"'=1,2\""); // guard inside the quotes
    assert_string_equal(field("a=1", true).c_str(), "a=1");        // only the first character
    assert_string_equal(field(" =1", true).c_str(), " =1");
    assert_string_equal(field("", true).c_str(), "");
    // Typed columns are written as they are: a negative number stays a number.
    assert_string_equal(field("-42", false).c_str(), "-42");
}

static std::vector<CsvColumn> columns() {
    return {{"entry_id", "Room ID", CsvColumnKind::Typed},
            {"user_name", "User name", CsvColumnKind::UserText},
            {"minutes", "Minutes viewed", CsvColumnKind::Typed}};
}

static void header_rows_and_null_cells(void **) {
    StringCsvSink sink;
    CsvWriter writer(sink, columns(), {});
    writer.header();
    writer.cell("r1");
    writer.cell("=evil");
    writer.cell("-3.5");
    writer.end_row();
    writer.cell("r2");
    writer.null_cell();
    writer.end_row(); // padded
    assert_true(writer.flush());
    assert_string_equal(sink.text.c_str(), "entry_id,user_name,minutes\r\nr1,'=evil,-3.5\r\nr2,,\r\n");
    assert_int_equal(writer.rows(), 2);
}

static void bom_and_descriptive_headers(void **) {
    StringCsvSink sink;
    CsvWriter writer(sink, columns(), {.bom = true, .descriptive_headers = true});
    writer.header();
    writer.flush();
    assert_string_equal(sink.text.c_str(), "\xef\xbb\xbfRoom ID,User name,Minutes viewed\r\n");
    StringCsvSink plain;
    CsvWriter no_bom(plain, columns(), {.bom = false, .descriptive_headers = false});
    no_bom.header();
    no_bom.flush();
    assert_string_equal(plain.text.c_str(), "entry_id,user_name,minutes\r\n");
}

// Counts bytes and remembers the largest write: what the writer holds at once.
struct CountingSink : CsvWriter::Sink {
    bool write(std::string_view bytes) override {
        total += bytes.size();
        largest = std::max(largest, bytes.size());
        ++writes;
        return !fail;
    }
    size_t total = 0, largest = 0, writes = 0;
    bool fail = false;
};

static void memory_is_bounded_by_the_buffer(void **) {
    CountingSink sink;
    CsvWriter writer(sink, columns(), {}, 4096);
    writer.header();
    for (int i = 0; i < 200000; ++i) {
        writer.cell("room-with-a-long-identifier");
        writer.cell("Somebody, with \"quotes\"");
        writer.cell("12.25");
        writer.end_row();
    }
    assert_true(writer.flush());
    assert_int_equal(writer.rows(), 200000);
    assert_true(sink.total > 10 * 1000 * 1000);
    assert_true(sink.largest < 4096 + 256);
    assert_true(sink.writes > 1000);
}

static void a_failing_sink_stops_the_writer(void **) {
    CountingSink sink;
    sink.fail = true;
    CsvWriter writer(sink, columns(), {}, 16);
    writer.header();
    assert_true(writer.failed());
    const size_t writes = sink.writes;
    writer.cell("more");
    writer.end_row();
    assert_false(writer.flush());
    assert_int_equal(sink.writes, writes); // nothing more is sent after a failure
}

static void replaced_bytes_are_counted(void **) {
    StringCsvSink sink;
    CsvWriter writer(sink, columns(), {});
    writer.cell("\xff");
    writer.cell("ok\xfe");
    writer.end_row();
    writer.flush();
    assert_int_equal(writer.replaced_bytes(), 2);
    assert_string_equal(sink.text.c_str(), "\xef\xbf\xbd,ok\xef\xbf\xbd,\r\n");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_fields_are_not_quoted),
        cmocka_unit_test(quote_comma_cr_lf_are_quoted_and_quotes_doubled),
        cmocka_unit_test(invalid_utf8_becomes_replacement_characters),
        cmocka_unit_test(formula_guard_on_user_text),
        cmocka_unit_test(header_rows_and_null_cells),
        cmocka_unit_test(bom_and_descriptive_headers),
        cmocka_unit_test(memory_is_bounded_by_the_buffer),
        cmocka_unit_test(a_failing_sink_stops_the_writer),
        cmocka_unit_test(replaced_bytes_are_counted),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
