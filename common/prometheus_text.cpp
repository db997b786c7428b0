#include "common/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace roomrec::common {
namespace {

bool name_char(char c, bool first, bool colon) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
}

bool valid_name(const std::string &name, bool colon) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (!name_char(name[i], i == 0, colon)) return false;
    return true;
}

// HELP text escapes only the backslash and the line end.
std::string escape_help(const std::string &help) {
    std::string out;
    for (const char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

} // namespace

bool PrometheusText::valid_metric_name(const std::string &name) { return valid_name(name, true); }

bool PrometheusText::valid_label_name(const std::string &name) {
    return valid_name(name, false) && name.rfind("__", 0) != 0; // "__" is reserved
}

std::string PrometheusText::escape_label_value(const std::string &value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string PrometheusText::format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        char text[32];
        std::snprintf(text, sizeof text, "%.0f", value);
        return text;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

void PrometheusText::family(const std::string &name, const char *type, const std::string &help) {
    if (!valid_metric_name(name)) throw std::invalid_argument("bad metric name " + name);
    if (families_.count(name)) return;
    families_[name] = Family{type, help, {}};
    order_.push_back(name);
}

void PrometheusText::sample(const std::string &name, double value, const Labels &labels, const char *suffix) {
    const auto it = families_.find(name);
    if (it == families_.end()) throw std::invalid_argument("undeclared metric " + name);
    std::string line = name + suffix;
    if (!labels.empty()) {
        line += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (!valid_label_name(labels[i].first)) throw std::invalid_argument("bad label name " + labels[i].first);
            line += (i ? "," : "") + labels[i].first + "=\"" + escape_label_value(labels[i].second) + '"';
        }
        line += '}';
    }
    it->second.samples.push_back(line + ' ' + format_value(value));
}

void PrometheusText::histogram(const std::string &name, const std::vector<double> &bounds,
                               const std::vector<uint64_t> &cumulative, double sum, uint64_t count,
                               const Labels &labels) {
    for (size_t i = 0; i < bounds.size() && i < cumulative.size(); ++i) {
        Labels with_le = labels;
        with_le.emplace_back("le", format_value(bounds[i]));
        sample(name, static_cast<double>(cumulative[i]), with_le, "_bucket");
    }
    Labels infinite = labels;
    infinite.emplace_back("le", "+Inf");
    sample(name, static_cast<double>(count), infinite, "_bucket");
    sample(name, sum, labels, "_sum");
    sample(name, static_cast<double>(count), labels, "_count");
}

std::string PrometheusText::text() const {
    std::string out;
    for (const std::string &name : order_) {
        const Family &family = families_.at(name);
        out += "# HELP " + name + ' ' + escape_help(family.help) + '\n';
        out += "# TYPE " + name + ' ' + family.type + '\n';
        for (const std::string &line : family.samples) out += line + '\n';
    }
    return out;
}

} // namespace roomrec::common
