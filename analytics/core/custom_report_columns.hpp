// The columns of the five custom CSV reports: machine name (the SQL function's column, the CSV
// header), descriptive title (the header with descriptive_headers) and kind (user text gets the
// formula-injection guard). The order is the SQL function's (analytics/schema/004_custom_reports.sql).
#pragma once

#include "analytics/core/csv_writer.hpp"
#include "analytics/core/report_filters.hpp"

#include <vector>

namespace roomrec::analytics {

const std::vector<CsvColumn> &custom_report_columns(CustomReport report);

// The SQL function that returns the report's rows: custom_<report name>.
std::string custom_report_function(CustomReport report);

} // namespace roomrec::analytics
