// A report's JSON data as CSV (RFC 4180, UTF-8, cells encoded by analytics/core/csv_writer's
// append_csv_field, the product's one CSV encoder): one row per element of the report's row arrays
// (report_catalog's csv_rows), nested objects flattened to dotted columns ("details.country"),
// nested arrays as compact JSON text. Columns in order of first appearance. Cells that a
// spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading quote.
// Pure.
#pragma once

#include "analytics/reports/report_catalog.hpp"

#include <jansson.h>

#include <string>

namespace roomrec::analytics {

std::string report_to_csv(const ReportName &report, const json_t *data);
// One cell, quoted when needed, invalid UTF-8 replaced, guarded against formula injection
// (a negative number is left alone).
std::string csv_cell(const std::string &text);

} // namespace roomrec::analytics
