#include "analytics/reports/report_csv.hpp"

#include "analytics/core/csv_writer.hpp"
#include "common/json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace roomrec::analytics {
namespace {

using Row = std::vector<std::pair<std::string, std::string>>;

std::string scalar_text(const json_t *value) {
    if (json_is_string(value)) return std::string(json_string_value(value), json_string_length(value));
    if (json_is_integer(value)) return std::to_string(json_integer_value(value));
    if (json_is_real(value)) {
        char text[64];
        std::snprintf(text, sizeof text, "%.15g", json_real_value(value));
        return text;
    }
    if (json_is_true(value)) return "true";
    if (json_is_false(value)) return "false";
    if (json_is_null(value) || value == nullptr) return "";
    return common::json_compact(value, JSON_REAL_PRECISION(15) | JSON_PRESERVE_ORDER);
}

void flatten(const json_t *object, const std::string &prefix, Row &row) {
    const char *key;
    json_t *value;
    json_object_foreach(const_cast<json_t *>(object), key, value) {
        const std::string name = prefix + key;
        if (json_is_object(value)) flatten(value, name + ".", row);
        else row.emplace_back(name, scalar_text(value));
    }
}

const json_t *at_path(const json_t *data, const std::string &path) {
    const json_t *node = data;
    size_t start = 0;
    while (node && start <= path.size()) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        node = json_object_get(node, part.c_str());
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return node;
}

} // namespace

std::string csv_cell(const std::string &text) {
    // A number is data, not a formula: -3.5 stays as it is; any other cell is guarded.
    bool numeric = false;
    if (!text.empty() && text[0] == '-') {
        char *end = nullptr;
        const double number = std::strtod(text.c_str(), &end);
        numeric = end && *end == '\0' && std::isfinite(number);
    }
    std::string cell;
    append_csv_field(cell, text, !numeric);
    return cell;
}

std::string report_to_csv(const ReportName &report, const json_t *data) {
    std::vector<std::string> paths;
    const std::string spec = report.csv_rows;
    for (size_t start = 0; start <= spec.size() && !spec.empty();) {
        const size_t comma = spec.find(',', start);
        paths.push_back(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    std::vector<Row> rows;
    if (paths.empty()) {
        rows.emplace_back();
        if (json_is_object(data)) flatten(data, "", rows.back());
    }
    for (const auto &path : paths) {
        const json_t *array = at_path(data, path);
        size_t index;
        json_t *element;
        json_array_foreach(array, index, element) {
            rows.emplace_back();
            if (paths.size() > 1) rows.back().emplace_back("section", path);
            if (json_is_object(element)) flatten(element, "", rows.back());
            else rows.back().emplace_back("value", scalar_text(element));
        }
    }
    std::vector<std::string> columns;
    for (const auto &row : rows)
        for (const auto &[name, value] : row) {
            bool known = false;
            for (const auto &column : columns) known = known || column == name;
            if (!known) columns.push_back(name);
        }
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_cell(columns[i]);
    out += "\r\n";
    for (const auto &row : rows) {
        for (size_t i = 0; i < columns.size(); ++i) {
            if (i) out += ',';
            for (const auto &[name, value] : row)
                if (name == columns[i]) {
                    out += csv_cell(value);
                    break;
                }
        }
        out += "\r\n";
    }
    return out;
}

} // namespace roomrec::analytics
