// train/history.cpp - history files (see history.h).
#include "train/history.h"

#include <cmath>
#include <limits>

#include "data/text_file.h"
#include "layers/json.h"
#include "tensor/error.h"

namespace timbre::train {

namespace {

using nn::JsonValue;

// The fields of a record, in file order, with their place in EpochRecord.
struct Field {
  const char* name;
  double EpochRecord::*member;
};
constexpr Field kFields[] = {
    {"train_loss", &EpochRecord::train_loss},
    {"train_accuracy", &EpochRecord::train_accuracy},
    {"validation_loss", &EpochRecord::validation_loss},
    {"validation_accuracy", &EpochRecord::validation_accuracy},
    {"learning_rate", &EpochRecord::learning_rate},
    {"seconds", &EpochRecord::seconds},
};

const JsonValue& member(const JsonValue& object, const std::string& key, const std::string& where,
                        const std::string& path) {
  const JsonValue* node = object.find(key);
  TIMBRE_CHECK(node != nullptr, path, ": ", where, " has no \"", key, "\"");
  return *node;
}

// A number, or NaN for null (how NaN is written).
double number_or_nan(const JsonValue& node, const std::string& what, const std::string& path) {
  if (node.kind == JsonValue::Kind::Null) return std::numeric_limits<double>::quiet_NaN();
  TIMBRE_CHECK(node.kind == JsonValue::Kind::Number, path, ": ", what, " is not a number");
  return node.number;
}

// An integer (written without fraction or exponent, as write_history_json writes them).
int64_t whole_number(const JsonValue& node, const std::string& what, const std::string& path) {
  TIMBRE_CHECK(node.kind == JsonValue::Kind::Number && node.integer.has_value(), path, ": ", what,
               " is not a whole number");
  return *node.integer;
}

}  // namespace

const EpochRecord& History::best() const {
  TIMBRE_CHECK(best_epoch >= 1 && best_epoch <= static_cast<int64_t>(epochs.size()),
               "History::best: no best epoch yet (best_epoch ", best_epoch, ", ", epochs.size(),
               " epochs)");
  return epochs[best_epoch - 1];
}

double History::selection_accuracy(const EpochRecord& record) {
  return std::isnan(record.validation_accuracy) ? record.train_accuracy
                                                : record.validation_accuracy;
}

void write_history_csv(const std::string& path, const History& history) {
  std::string text = "epoch";
  for (const Field& field : kFields)
    text.append(",").append(field.name);
  text += "\n";
  for (const EpochRecord& record : history.epochs) {
    text += std::to_string(record.epoch);
    for (const Field& field : kFields) {
      const double value = record.*field.member;
      text += ",";
      if (std::isfinite(value)) text += nn::json_number(value);  // JSON's number text is CSV's too
    }
    text += "\n";
  }
  data::write_text_atomically(path, text);
}

void write_history_json(const std::string& path, const History& history) {
  std::string text = "{\n  \"best_epoch\": " + std::to_string(history.best_epoch) +
                     ",\n  \"stopped_early\": " + (history.stopped_early ? "true" : "false") +
                     ",\n  \"epochs\": [";
  for (size_t i = 0; i < history.epochs.size(); ++i) {
    const EpochRecord& record = history.epochs[i];
    text += i > 0 ? ",\n    " : "\n    ";
    text += "{\"epoch\": " + std::to_string(record.epoch);
    for (const Field& field : kFields)
      text.append(", \"")
          .append(field.name)
          .append("\": ")
          .append(nn::json_number(record.*field.member));
    text += "}";
  }
  text += history.epochs.empty() ? "]\n}\n" : "\n  ]\n}\n";
  data::write_text_atomically(path, text);
}

History read_history_json(const std::string& path) {
  const JsonValue root = nn::parse_json(data::read_text(path), path);
  TIMBRE_CHECK(root.kind == JsonValue::Kind::Object, path, ": the history is not a JSON object");
  History history;
  history.best_epoch =
      whole_number(member(root, "best_epoch", "the history", path), "\"best_epoch\"", path);
  const JsonValue& stopped = member(root, "stopped_early", "the history", path);
  TIMBRE_CHECK(stopped.kind == JsonValue::Kind::Boolean, path,
               ": \"stopped_early\" is not true or false");
  history.stopped_early = stopped.boolean;
  const JsonValue& epochs = member(root, "epochs", "the history", path);
  TIMBRE_CHECK(epochs.kind == JsonValue::Kind::Array, path, ": \"epochs\" is not an array");
  for (const JsonValue& item : epochs.items) {
    const std::string where = "epoch record " + std::to_string(history.epochs.size() + 1);
    TIMBRE_CHECK(item.kind == JsonValue::Kind::Object, path, ": ", where, " is not an object");
    EpochRecord record;
    record.epoch = whole_number(member(item, "epoch", where, path), where + " \"epoch\"", path);
    TIMBRE_CHECK(record.epoch == static_cast<int64_t>(history.epochs.size()) + 1, path, ": ", where,
                 " is numbered ", record.epoch, " (epochs must be numbered 1, 2, 3, ...)");
    for (const Field& field : kFields) {
      record.*field.member =
          number_or_nan(member(item, field.name, where, path), where + " " + field.name, path);
    }
    history.epochs.push_back(record);
  }
  TIMBRE_CHECK(
      history.best_epoch >= 0 && history.best_epoch <= static_cast<int64_t>(history.epochs.size()),
      path, ": \"best_epoch\" ", history.best_epoch, " is not one of the ", history.epochs.size(),
      " epochs");
  return history;
}

}  // namespace timbre::train
