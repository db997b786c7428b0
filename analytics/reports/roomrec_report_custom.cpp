// roomrec-report-custom: the custom CSV reports alone (the operator CLI roomrec-report runs
// the same function as `roomrec-report custom ...`).
#include "analytics/reports/custom_report.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
    try {
        return roomrec::analytics::run_custom_cli(argc, argv);
    } catch (const std::exception &failure) {
        std::fprintf(stderr, "roomrec-report-custom: error: %s\n", failure.what());
        return 1;
    }
}
