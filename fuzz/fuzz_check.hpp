// The property check of the fuzz targets: a broken property aborts, and libFuzzer keeps the
// input that broke it as a crash reproducer (crash-<sha1>), as it does for a sanitizer report.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                                        \
    do {                                                                                                             \
        if (!(condition)) {                                                                                          \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);               \
            std::abort();                                                                                            \
        }                                                                                                            \
    } while (0)
