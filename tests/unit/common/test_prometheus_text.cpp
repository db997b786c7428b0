// The Prometheus text format: families in order with HELP and TYPE once, label values escaped,
// integers without a fraction, histograms with cumulative buckets and +Inf, bad names refused.
#include "common/prometheus_text.hpp"

#include <stdexcept>
#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::common::PrometheusText;

namespace {

void families_come_in_order_with_their_samples(void **) {
    PrometheusText out;
    out.family("roomrec_rooms", "gauge", "Rooms this node knows.");
    out.family("roomrec_outbox_jobs", "gauge", "Outbox jobs by kind and state.\nSecond line \\ here.");
    out.sample("roomrec_outbox_jobs", 3, {{"kind", "upload"}, {"state", "pending"}});
    out.sample("roomrec_rooms", 2);
    out.family("roomrec_rooms", "counter", "ignored: declared already");
    out.sample("roomrec_outbox_jobs", 0.25, {{"kind", "webhook"}, {"state", "running"}});
    assert_string_equal(out.text().c_str(),
                        "# HELP roomrec_rooms Rooms this node knows.\n"
                        "# TYPE roomrec_rooms gauge\n"
                        "roomrec_rooms 2\n"
                        "# HELP roomrec_outbox_jobs Outbox jobs by kind and state.\\nSecond line \\\\ here.\n"
                        "# TYPE roomrec_outbox_jobs gauge\n"
                        "roomrec_outbox_jobs{kind=\"upload\",state=\"pending\"} 3\n"
                        "roomrec_outbox_jobs{kind=\"webhook\",state=\"running\"} 0.25\n");
}

void label_values_are_escaped(void **) {
    PrometheusText out;
    out.family("x", "gauge", "h");
    out.sample("x", 1, {{"room", "a\"b\\c\nd"}});
    assert_string_equal(out.text().c_str(), "# HELP x h\n# TYPE x gauge\nx{room=\"a\\\"b\\\\c\\nd\"} 1\n");
}

void a_histogram_has_cumulative_buckets_and_inf(void **) {
    PrometheusText out;
    out.family("roomrec_report_seconds", "histogram", "Report latency.");
    out.histogram("roomrec_report_seconds", {0.1, 1}, {2, 5}, 3.5, 6, {{"report", "overview"}});
    assert_string_equal(out.text().c_str(),
                        "# HELP roomrec_report_seconds Report latency.\n"
                        "# TYPE roomrec_report_seconds histogram\n"
                        "roomrec_report_seconds_bucket{report=\"overview\",le=\"0.1\"} 2\n"
                        "roomrec_report_seconds_bucket{report=\"overview\",le=\"1\"} 5\n"
                        "roomrec_report_seconds_bucket{report=\"overview\",le=\"+Inf\"} 6\n"
                        "roomrec_report_seconds_sum{report=\"overview\"} 3.5\n"
                        "roomrec_report_seconds_count{report=\"overview\"} 6\n");
}

void values_print_as_prometheus_reads_them(void **) {
    assert_string_equal(PrometheusText::format_value(42).c_str(), "42");
    assert_string_equal(PrometheusText::format_value(-3).c_str(), "-3");
    assert_string_equal(PrometheusText::format_value(0.5).c_str(), "0.5");
    assert_string_equal(PrometheusText::format_value(1e20).c_str(), "1e+20");
    assert_string_equal(PrometheusText::format_value(1.0 / 0.0).c_str(), "+Inf");
}

void bad_names_are_refused(void **) {
    assert_true(PrometheusText::valid_metric_name("roomrec:a_b9"));
    assert_false(PrometheusText::valid_metric_name("9a"));
    assert_false(PrometheusText::valid_metric_name("a-b"));
    assert_false(PrometheusText::valid_metric_name(""));
    assert_true(PrometheusText::valid_label_name("kind"));
    assert_false(PrometheusText::valid_label_name("a:b"));
    assert_false(PrometheusText::valid_label_name("__name"));
    PrometheusText out;
    bool refused = false;
    try {
        out.family("bad name", "gauge", "h");
    } catch (const std::invalid_argument &) {
        refused = true;
    }
    assert_true(refused);
    refused = false;
    try {
        out.sample("never_declared", 1);
    } catch (const std::invalid_argument &) {
        refused = true;
    }
    assert_true(refused);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(families_come_in_order_with_their_samples),
        cmocka_unit_test(label_values_are_escaped),
        cmocka_unit_test(a_histogram_has_cumulative_buckets_and_inf),
        cmocka_unit_test(values_print_as_prometheus_reads_them),
        cmocka_unit_test(bad_names_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
