// data/csv_reader.h - reading comma-separated files as RFC 4180 defines them, one record at a
// time, so that a 160-MB file such as FMA's tracks.csv never has to sit in memory as strings.
//
// The rules (RFC 4180, plus what spreadsheets and pandas write in practice):
//   - records end at a line break: "\n" or "\r\n";
//   - fields are separated by ',';
//   - a field that starts with '"' is quoted: it ends at the next lone '"', and inside it a doubled
//     '""' stands for one '"', while ',' and line breaks are ordinary characters
//     ("Hello, \"world\"" is written  "Hello, ""world"""  and a field may span several lines);
//   - a '"' inside an unquoted field is kept as it is (pandas reads it the same way);
//   - a UTF-8 byte-order mark at the very start of the file is skipped, and empty lines are
//     skipped (they hold no record).
//
//   data::CsvReader reader("Data/features_30_sec.csv");
//   data::CsvRecord record;
//   while (reader.next(record)) use(record.fields, record.line);
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace timbre::data {

// One record (row) of a CSV file.
struct CsvRecord {
  std::vector<std::string> fields;  // the unquoted field values, in column order
  int64_t line = 0;                 // the file's line (from 1) on which the record starts
};

class CsvReader {
 public:
  // Opens `path` for reading.
  // Throws timbre::Error naming the file when it does not exist or cannot be read.
  explicit CsvReader(const std::string& path);

  // Reads the next record into `record` and returns true, or returns false at the end of the file.
  // Ensures: record.fields holds at least one field (a line "" is skipped, not one empty field);
  //          record.line is the line where the record starts (a quoted field holding line breaks
  //          makes the next record start several lines further on).
  // Throws timbre::Error naming the file and the line for a quoted field that is never closed,
  // and for a character other than ',' or a line break right after a closing quote.
  bool next(CsvRecord& record);

  const std::string& path() const { return path_; }

 private:
  int get();   // the next character, or EOF
  int peek();  // the next character without consuming it, or EOF

  std::string path_;
  std::ifstream file_;
  int64_t line_ = 1;  // the line of the next character to be read
};

// Every record of `path`, in file order (convenient for small files such as the GTZAN feature
// CSVs; use CsvReader for big ones). Throws as CsvReader does.
std::vector<CsvRecord> read_csv(const std::string& path);

// `field` as it must be written in a CSV file: unchanged when it holds none of ',', '"', '\r',
// '\n' and does not start or end with a space; otherwise quoted, with each '"' doubled.
//   "blues"  -> blues          "Hip-Hop, Rap" -> "Hip-Hop, Rap"          say "hi" -> "say ""hi"""
std::string csv_field(const std::string& field);

}  // namespace timbre::data
