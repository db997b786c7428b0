#include "analytics/core/csv_writer.hpp"

#include "common/utf8.hpp"

namespace roomrec::analytics {

namespace {

bool needs_guard(std::string_view value) {
    if (value.empty()) return false;
    switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
    }
}

bool needs_quotes(std::string_view value) { return value.find_first_of("\",\r\n") != std::string_view::npos; }

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

} // namespace

size_t append_csv_field(std::string &out, std::string_view value, bool guard) {
    const bool quoted = needs_quotes(value);
    if (quoted) out.push_back('"');
    if (guard && needs_guard(value)) out.push_back('\'');
    size_t replaced = 0;
    size_t at = 0;
    while (at < value.size()) {
        const unsigned char byte = static_cast<unsigned char>(value[at]);
        if (byte < 0x80) {
            if (byte == '"') out.push_back('"');
            out.push_back(static_cast<char>(byte));
            ++at;
            continue;
        }
        const size_t length = common::utf8_sequence_length(value, at);
        if (length == 0) {
            out.append(kReplacement);
            ++replaced;
            ++at;
        } else {
            out.append(value.substr(at, length));
            at += length;
        }
    }
    if (quoted) out.push_back('"');
    return replaced;
}

CsvWriter::CsvWriter(Sink &sink, std::vector<CsvColumn> columns, CsvOptions options, size_t buffer_bytes)
    : sink_(sink), columns_(std::move(columns)), options_(options),
      buffer_bytes_(buffer_bytes == 0 ? 1 : buffer_bytes) {
    buffer_.reserve(buffer_bytes_ + 256);
}

void CsvWriter::header() {
    if (options_.bom) buffer_.append("\xEF\xBB\xBF");
    for (size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) buffer_.push_back(',');
        const std::string &text = options_.descriptive_headers ? columns_[i].title : columns_[i].name;
        append_csv_field(buffer_, text, false);
    }
    buffer_.append("\r\n");
    maybe_flush();
}

void CsvWriter::separator() {
    if (column_ > 0) buffer_.push_back(',');
    ++column_;
}

void CsvWriter::cell(std::string_view value) {
    const bool guard = column_ < columns_.size() && columns_[column_].kind == CsvColumnKind::UserText;
    separator();
    replaced_ += append_csv_field(buffer_, value, guard);
    maybe_flush();
}

void CsvWriter::null_cell() { separator(); }

void CsvWriter::end_row() {
    while (column_ < columns_.size()) separator();
    buffer_.append("\r\n");
    column_ = 0;
    ++rows_;
    maybe_flush();
}

void CsvWriter::maybe_flush() {
    if (buffer_.size() >= buffer_bytes_) flush();
}

bool CsvWriter::flush() {
    if (!failed_ && !buffer_.empty() && !sink_.write(buffer_)) failed_ = true;
    buffer_.clear();
    if (buffer_.capacity() > 4 * (buffer_bytes_ + 256)) buffer_.shrink_to_fit(); // one huge cell passed
    return !failed_;
}

} // namespace roomrec::analytics
