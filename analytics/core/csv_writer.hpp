// CSV for spreadsheet users (RFC 4180): fields holding a quote, comma, CR or LF are quoted with
// quotes doubled, rows end with CRLF, text is UTF-8 only (an optional BOM lets Excel see that),
// and every cell of user-written text that a spreadsheet would run as a formula is defused.
// Bytes go to a Sink through a small buffer, so memory stays bounded whatever the row count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::analytics {

// A typed column holds what the report computed (ids, numbers, timestamps, booleans) and is
// written as it is; a user-text column holds what a person typed (names, chat, titles...) and
// gets the formula-injection guard.
enum class CsvColumnKind { Typed, UserText };

struct CsvColumn {
    std::string name;  // machine header: "entry_id"
    std::string title; // descriptive header: "Room ID"
    CsvColumnKind kind = CsvColumnKind::Typed;
};

struct CsvOptions {
    bool bom = false;                 // EF BB BF first
    bool descriptive_headers = false; // the header line holds the titles instead of the names
};

// Appends one field. Invalid UTF-8 bytes become U+FFFD; `guard` prefixes a cell starting with
// = + - @ TAB or CR with an apostrophe (OWASP CSV injection). Returns how many bytes were
// replaced.
size_t append_csv_field(std::string &out, std::string_view value, bool guard);

class CsvWriter {
public:
    class Sink {
    public:
        virtual ~Sink() = default;
        // Takes the bytes; false when they could not be written (the writer stops).
        virtual bool write(std::string_view bytes) = 0;
    };

    static constexpr size_t kDefaultBuffer = 64 * 1024;

    CsvWriter(Sink &sink, std::vector<CsvColumn> columns, CsvOptions options, size_t buffer_bytes = kDefaultBuffer);
    CsvWriter(const CsvWriter &) = delete;
    CsvWriter &operator=(const CsvWriter &) = delete;

    // The BOM (if asked) and the header line. Call once, before the first row.
    void header();
    // The next cell of the current row (in column order); a NULL is an empty cell.
    void cell(std::string_view value);
    void null_cell();
    // Ends the row; a row with fewer cells than columns is padded with empty cells.
    void end_row();
    // Writes what is buffered; false if the sink failed at any point.
    bool flush();

    bool failed() const { return failed_; }
    uint64_t rows() const { return rows_; }
    // Bytes of invalid UTF-8 replaced by U+FFFD so far.
    uint64_t replaced_bytes() const { return replaced_; }
    const std::vector<CsvColumn> &columns() const { return columns_; }

private:
    void separator();
    void maybe_flush();

    Sink &sink_;
    std::vector<CsvColumn> columns_;
    CsvOptions options_;
    size_t buffer_bytes_;
    std::string buffer_;
    size_t column_ = 0;
    uint64_t rows_ = 0;
    uint64_t replaced_ = 0;
    bool failed_ = false;
};

// A Sink that keeps everything in a string (tests, small answers).
class StringCsvSink : public CsvWriter::Sink {
public:
    bool write(std::string_view bytes) override {
        text.append(bytes);
        return true;
    }
    std::string text;
};

} // namespace roomrec::analytics
