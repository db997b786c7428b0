// The CSV writer (analytics/core/csv_writer.hpp) against an RFC 4180 reader written here: the
// input is cells (separated by NUL, rows by 0x01; the first byte picks the options, the column
// kinds and the buffer size), the output must be well-formed UTF-8, end every row with CRLF,
// read back to exactly the cells written (invalid bytes as U+FFFD, user text starting with
// = + - @ TAB CR behind an apostrophe), and never reach the sink in pieces larger than the buffer
// allows.
#include "analytics/core/csv_writer.hpp"
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"

#include <string>
#include <string_view>
#include <vector>

using namespace roomrec;
using analytics::CsvColumn;
using analytics::CsvColumnKind;
using analytics::CsvWriter;

namespace {

struct Recording : CsvWriter::Sink {
    bool write(std::string_view bytes) override {
        text.append(bytes);
        largest = std::max(largest, bytes.size());
        return true;
    }
    std::string text;
    size_t largest = 0;
};

// RFC 4180 reader: rows of fields; false if the text is not well-formed CSV with CRLF rows.
bool read_csv(std::string_view text, std::vector<std::vector<std::string>> &rows) {
    size_t at = 0;
    std::vector<std::string> row;
    while (at < text.size()) {
        std::string field;
        if (text[at] == '"') {
            ++at;
            while (true) {
                if (at >= text.size()) return false;
                if (text[at] == '"') {
                    if (at + 1 < text.size() && text[at + 1] == '"') {
                        field.push_back('"');
                        at += 2;
                        continue;
                    }
                    ++at;
                    break;
                }
                field.push_back(text[at++]);
            }
        } else {
            while (at < text.size() && text[at] != ',' && text[at] != '\r' && text[at] != '\n') {
                if (text[at] == '"') return false; // a quote inside an unquoted field
                field.push_back(text[at++]);
            }
        }
        row.push_back(field);
        if (at >= text.size()) return false; // every row ends with CRLF
        if (text[at] == ',') {
            ++at;
            continue;
        }
        if (text.substr(at, 2) != "\r\n") return false;
        at += 2;
        rows.push_back(std::move(row));
        row.clear();
    }
    return true;
}

std::string expected_cell(std::string_view value, bool guard) {
    std::string out = common::to_valid_utf8(value);
    if (guard && !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
        out.insert(out.begin(), '\'');
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const uint8_t flags = data[0];
    const std::string_view input(reinterpret_cast<const char *>(data + 1), size - 1);
    std::vector<std::vector<std::string_view>> cells(1);
    size_t start = 0;
    for (size_t i = 0; i <= input.size(); ++i) {
        if (i == input.size() || input[i] == '\0' || input[i] == '\x01') {
            cells.back().push_back(input.substr(start, i - start));
            if (i < input.size() && input[i] == '\x01') cells.emplace_back();
            start = i + 1;
        }
    }
    const size_t width = 4;
    std::vector<CsvColumn> columns;
    for (size_t i = 0; i < width; ++i)
        columns.push_back({"c" + std::to_string(i), "Column, \"" + std::to_string(i) + "\"",
                           (flags >> i) & 1 ? CsvColumnKind::UserText : CsvColumnKind::Typed});
    const size_t buffer = (flags & 0x40) ? 1 : 64;
    Recording sink;
    CsvWriter writer(sink, columns, {.bom = (flags & 0x10) != 0, .descriptive_headers = (flags & 0x20) != 0}, buffer);
    writer.header();
    std::vector<std::vector<std::string>> expected;
    for (const auto &row : cells) {
        std::vector<std::string> want;
        for (size_t i = 0; i < width; ++i) {
            if (i < row.size()) {
                writer.cell(row[i]);
                want.push_back(expected_cell(row[i], (flags >> i) & 1));
            } else {
                want.emplace_back();
            }
        }
        writer.end_row();
        expected.push_back(std::move(want));
    }
    FUZZ_CHECK(writer.flush());
    FUZZ_CHECK(writer.rows() == cells.size());
    std::string_view text = sink.text;
    FUZZ_CHECK(common::valid_utf8(text));
    if (flags & 0x10) {
        FUZZ_CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
        text.remove_prefix(3);
    }
    std::vector<std::vector<std::string>> rows;
    FUZZ_CHECK(read_csv(text, rows));
    FUZZ_CHECK(rows.size() == cells.size() + 1);
    for (size_t i = 0; i < width; ++i) FUZZ_CHECK(rows[0][i] == ((flags & 0x20) ? columns[i].title : columns[i].name));
    for (size_t r = 0; r < expected.size(); ++r) FUZZ_CHECK(rows[r + 1] == expected[r]);
    return 0;
}
