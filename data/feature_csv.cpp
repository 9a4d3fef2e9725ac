// data/feature_csv.cpp - reading and writing GTZAN-style feature tables.
#include "data/feature_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "data/csv_reader.h"
#include "data/dataset.h"
#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::data {

namespace {

std::string trim_spaces(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

enum class NumberParse { Ok, NotANumber, NotFinite };

// Parses the whole of `text` (surrounding spaces allowed) as a double, in the C locale whatever
// the program's locale is (std::from_chars never looks at it).
NumberParse parse_number(const std::string& text, double& value) {
  std::string trimmed = trim_spaces(text);
  if (!trimmed.empty() && trimmed.front() == '+') trimmed.erase(0, 1);  // from_chars rejects '+'
  const char* begin = trimmed.data();
  const char* end = begin + trimmed.size();
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (trimmed.empty() || error != std::errc() || stop != end) return NumberParse::NotANumber;
  return std::isfinite(value) ? NumberParse::Ok : NumberParse::NotFinite;
}

// True when a field looks like a number: a header whose columns are numbers is a data row.
bool looks_numeric(const std::string& text) {
  double value = 0.0;
  return parse_number(text, value) != NumberParse::NotANumber;
}

// The shortest decimal text that reads back to exactly `value`.
std::string shortest_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  TIMBRE_CHECK(error == std::errc(), "write_feature_csv: cannot format the number ", value);
  return std::string(buffer, end);
}

void check_header(const std::string& path, const CsvRecord& header) {
  const size_t fields = header.fields.size();
  TIMBRE_CHECK(fields >= 3, path, ": line ", header.line, ": the header has ", fields,
               " column(s), but a feature CSV needs at least 3: filename, one or more numeric "
               "columns, label");
  // A header row names its columns; a first row whose middle fields are numbers is data.
  for (size_t column = 1; column + 1 < fields; ++column) {
    TIMBRE_CHECK(
        !looks_numeric(header.fields[column]), path, ": line ", header.line,
        ": the header row is missing (the first row holds numbers, e.g. column ", column + 1,
        " is '", header.fields[column],
        "'); a feature CSV starts with a row of column names: filename,<columns...>,label");
  }
}

}  // namespace

int64_t FeatureTable::column_index(const std::string& name) const {
  const auto found = std::find(column_names.begin(), column_names.end(), name);
  TIMBRE_CHECK(found != column_names.end(), "feature table: no numeric column named '", name,
               "' (it has ", column_names.size(), " numeric columns)");
  return static_cast<int64_t>(found - column_names.begin());
}

FeatureTable FeatureTable::select_rows(const std::vector<int64_t>& indices) const {
  FeatureTable result;
  result.column_names = column_names;
  result.classes = classes;
  result.filename_column = filename_column;
  result.label_column = label_column;
  const std::vector<double> all = values.to_vector<double>();
  const size_t width = column_names.size();
  std::vector<double> selected;
  selected.reserve(indices.size() * width);
  for (int64_t index : indices) {
    TIMBRE_CHECK(index >= 0 && index < rows(), "select_rows: row index ", index,
                 " is out of range for a table of ", rows(), " rows");
    const size_t row = static_cast<size_t>(index);
    result.filenames.push_back(filenames[row]);
    result.songs.push_back(songs[row]);
    result.labels.push_back(labels[row]);
    selected.insert(selected.end(), all.begin() + static_cast<std::ptrdiff_t>(row * width),
                    all.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
  }
  result.values =
      from_vector(selected, {static_cast<int64_t>(indices.size()), static_cast<int64_t>(width)});
  return result;
}

FeatureTable FeatureTable::drop_columns(const std::vector<std::string>& names) const {
  std::set<int64_t> dropped;
  for (const std::string& name : names)
    dropped.insert(column_index(name));
  FeatureTable result = *this;
  result.column_names.clear();
  std::vector<int64_t> kept;
  for (int64_t column = 0; column < columns(); ++column) {
    if (dropped.count(column) > 0) continue;
    kept.push_back(column);
    result.column_names.push_back(column_names[static_cast<size_t>(column)]);
  }
  const std::vector<double> all = values.to_vector<double>();
  std::vector<double> remaining;
  remaining.reserve(static_cast<size_t>(rows()) * kept.size());
  for (int64_t row = 0; row < rows(); ++row) {
    for (int64_t column : kept)
      remaining.push_back(all[static_cast<size_t>(row * columns() + column)]);
  }
  result.values = from_vector(remaining, {rows(), static_cast<int64_t>(kept.size())});
  return result;
}

std::vector<int64_t> FeatureTable::counts_per_class() const {
  std::vector<int64_t> counts(classes.size(), 0);
  for (int64_t label : labels) {
    TIMBRE_CHECK(label >= 0 && label < static_cast<int64_t>(classes.size()),
                 "feature table: label ", label, " is out of range for ", classes.size(),
                 " classes");
    ++counts[static_cast<size_t>(label)];
  }
  return counts;
}

FeatureTable read_feature_csv(const std::string& path) {
  CsvReader reader(path);
  CsvRecord header;
  TIMBRE_CHECK(reader.next(header), path,
               ": the file is empty; a feature CSV needs a header row "
               "(filename,<columns...>,label) and one row per file");
  check_header(path, header);

  FeatureTable table;
  const size_t fields = header.fields.size();
  table.filename_column = header.fields.front();
  table.label_column = header.fields.back();
  table.column_names.assign(header.fields.begin() + 1, header.fields.end() - 1);

  std::vector<double> values;
  std::vector<std::string> label_names;
  CsvRecord row;
  while (reader.next(row)) {
    TIMBRE_CHECK(row.fields.size() == fields, path, ": line ", row.line, ": ", row.fields.size(),
                 " fields, but the header has ", fields, " columns");
    for (size_t column = 1; column + 1 < fields; ++column) {
      double value = 0.0;
      const NumberParse parsed = parse_number(row.fields[column], value);
      TIMBRE_CHECK(parsed != NumberParse::NotANumber, path, ": line ", row.line, ", column ",
                   column + 1, " (", header.fields[column], "): '", row.fields[column],
                   "' is not a number");
      TIMBRE_CHECK(parsed != NumberParse::NotFinite, path, ": line ", row.line, ", column ",
                   column + 1, " (", header.fields[column], "): '", row.fields[column],
                   "' is not finite");
      values.push_back(value);
    }
    const std::string& label = row.fields.back();
    TIMBRE_CHECK(!trim_spaces(label).empty(), path, ": line ", row.line, ", column ", fields, " (",
                 table.label_column, "): the label is empty");
    table.filenames.push_back(row.fields.front());
    table.songs.push_back(song_of(row.fields.front()));
    label_names.push_back(label);
  }
  TIMBRE_CHECK(!table.filenames.empty(), path,
               ": the file has a header row but no data rows (one row per file is expected)");

  const std::set<std::string> distinct(label_names.begin(), label_names.end());
  table.classes.assign(distinct.begin(), distinct.end());
  std::map<std::string, int64_t> index_of;
  for (size_t c = 0; c < table.classes.size(); ++c) {
    index_of[table.classes[c]] = static_cast<int64_t>(c);
  }
  for (const std::string& label : label_names)
    table.labels.push_back(index_of[label]);
  table.values = from_vector(values, {table.rows(), table.columns()});
  return table;
}

void write_feature_csv(const std::string& path, const FeatureTable& table) {
  TIMBRE_CHECK(table.values.sizes() == Shape({table.rows(), table.columns()}),
               "write_feature_csv: ", path, ": values must be [", table.rows(), ", ",
               table.columns(), "] (rows x numeric columns), got ",
               shape_str(table.values.sizes()));
  TIMBRE_CHECK(table.labels.size() == table.filenames.size(), "write_feature_csv: ", path, ": ",
               table.labels.size(), " labels for ", table.filenames.size(), " rows");
  table.counts_per_class();  // checks that every label indexes `classes`
  const std::vector<double> values = table.values.to_vector<double>();

  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    TIMBRE_CHECK(out.is_open(), "write_feature_csv: cannot write '", path,
                 "' (does its directory exist and is it writable?)");
    out << csv_field(table.filename_column);
    for (const std::string& name : table.column_names)
      out << ',' << csv_field(name);
    out << ',' << csv_field(table.label_column) << '\n';
    for (int64_t row = 0; row < table.rows(); ++row) {
      out << csv_field(table.filenames[static_cast<size_t>(row)]);
      for (int64_t column = 0; column < table.columns(); ++column) {
        const double value = values[static_cast<size_t>(row * table.columns() + column)];
        if (!std::isfinite(value)) {
          out.close();
          std::remove(temporary.c_str());
          TIMBRE_CHECK(false, "write_feature_csv: ", path, ": row ", row, ", column '",
                       table.column_names[static_cast<size_t>(column)], "' is not finite (", value,
                       ")");
        }
        out << ',' << shortest_text(value);
      }
      out << ','
          << csv_field(table.classes[static_cast<size_t>(table.labels[static_cast<size_t>(row)])])
          << '\n';
    }
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      TIMBRE_CHECK(false, "write_feature_csv: writing '", path, "' failed (disk full?)");
    }
  }
  // rename within a directory is atomic on POSIX: a reader sees the old file or the whole new one.
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, "write_feature_csv: cannot rename '", temporary, "' to '", path, "'");
  }
}

}  // namespace timbre::data
