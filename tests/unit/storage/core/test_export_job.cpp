// Export job payloads: the file's format (csv by default, pdf, nothing else), carried from the
// export job to its mail, and the mail's words for each.
#include "storage/core/export_job.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static ExportRequest request_with(const std::string &report_json) {
    ExportRequest request;
    request.export_id = "0123456789abcdef0123456789abcdef";
    request.room_id = "r1";
    request.report_json = report_json;
    request.requested_by = "hana";
    request.email = "hana@example.com";
    return request;
}

static void the_format_is_csv_pdf_or_refused(void **) {
    assert_string_equal(export_format(request_with(R"({"report":"room_data"})")).c_str(), "csv");
    assert_string_equal(export_format(request_with(R"({"format":"pdf","session":"s1"})")).c_str(), "pdf");
    assert_string_equal(export_request_error(request_with(R"({"format":"pdf"})")).c_str(), "");
    assert_string_equal(export_request_error(request_with(R"({"format":"xlsx"})")).c_str(),
                        "export format: must be csv or pdf");
    assert_string_equal(export_request_error(request_with(R"({"format":7})")).c_str(),
                        "export format: must be csv or pdf");
    assert_string_equal(export_content_type("pdf"), "application/pdf");
    assert_string_equal(export_content_type("csv"), "text/csv; charset=utf-8");
}

static void the_payload_keeps_the_format(void **) {
    std::string error;
    const auto back = export_request_from_payload(export_payload(request_with(R"({"format":"pdf"})")), error);
    assert_true(back.has_value());
    assert_string_equal(export_format(*back).c_str(), "pdf");
}

static ExportEmail mail(const char *format) {
    ExportEmail email;
    email.export_id = "0123456789abcdef0123456789abcdef";
    email.room_id = "r1";
    email.to = "hana@example.com";
    email.link = "https://files.example.com/v1/files/r1/exports/x.pdf?expires=1&sig=00";
    email.expires_unix = 1767225600;
    email.rows = 3;
    email.format = format;
    return email;
}

static void the_mail_says_which_file(void **) {
    std::string error;
    const auto pdf = export_email_from_payload(export_email_payload(mail("pdf")), error);
    assert_true(pdf.has_value());
    assert_string_equal(pdf->format.c_str(), "pdf");
    const std::string pdf_body = export_email_content(*pdf, "exports@example.com").body;
    assert_non_null(std::strstr(pdf_body.c_str(), "Download the PDF file"));
    assert_null(std::strstr(pdf_body.c_str(), "rows"));
    const std::string csv_body = export_email_content(mail("csv"), "exports@example.com").body;
    assert_non_null(std::strstr(csv_body.c_str(), "(3 rows)"));
    // A mail job queued before formats existed: a CSV.
    const auto old = export_email_from_payload(
        R"({"export_id":"0123456789abcdef0123456789abcdef","room":"r1","to":"hana@example.com",)"
        R"("link":"https://files.example.com/x","expires":1767225600,"rows":3})",
        error);
    assert_true(old.has_value());
    assert_string_equal(old->format.c_str(), "csv");
    assert_false(export_email_from_payload(export_email_payload(mail("doc")), error).has_value());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_format_is_csv_pdf_or_refused),
        cmocka_unit_test(the_payload_keeps_the_format),
        cmocka_unit_test(the_mail_says_which_file),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
