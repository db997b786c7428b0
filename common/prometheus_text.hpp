// The Prometheus text exposition format (version 0.0.4) for the /metrics endpoint: one HELP and
// TYPE line per family, then its samples. Names are checked ([a-zA-Z_:][a-zA-Z0-9_:]*, label
// names without ':'), label values escaped (\\, \", \n); a family is written once even if samples
// are added to it from several places. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace roomrec::common {

class PrometheusText {
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    // type: "counter", "gauge" or "histogram". Declaring a family again keeps the first help.
    void family(const std::string &name, const char *type, const std::string &help);
    // A sample of a declared family; `suffix` is "_bucket", "_sum" or "_count" for a histogram.
    void sample(const std::string &name, double value, const Labels &labels = {}, const char *suffix = "");
    // A histogram family's samples from cumulative bucket counts (upper bounds ascending; +Inf
    // is added), their sum and count.
    void histogram(const std::string &name, const std::vector<double> &bounds, const std::vector<uint64_t> &cumulative,
                   double sum, uint64_t count, const Labels &labels = {});

    // The whole exposition, families in the order they were declared.
    std::string text() const;

    static bool valid_metric_name(const std::string &name);
    static bool valid_label_name(const std::string &name);
    static std::string escape_label_value(const std::string &value);
    static std::string format_value(double value);

private:
    struct Family {
        std::string type, help;
        std::vector<std::string> samples;
    };
    std::vector<std::string> order_;
    std::map<std::string, Family> families_;
};

} // namespace roomrec::common
