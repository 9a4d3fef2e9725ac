// data/csv_reader.cpp - the RFC 4180 reader: a small state machine over the file's characters.
#include "data/csv_reader.h"

#include <cstdio>  // EOF

#include "tensor/error.h"

namespace timbre::data {

CsvReader::CsvReader(const std::string& path) : path_(path), file_(path, std::ios::binary) {
  TIMBRE_CHECK(file_.is_open(), path,
               ": cannot open the CSV file (does it exist and is it "
               "readable?)");
  // Skip a UTF-8 byte-order mark (EF BB BF), which spreadsheet programs like to write.
  const char bom[3] = {'\xEF', '\xBB', '\xBF'};
  char start[3] = {0, 0, 0};
  file_.read(start, 3);
  if (file_.gcount() != 3 || start[0] != bom[0] || start[1] != bom[1] || start[2] != bom[2]) {
    file_.clear();
    file_.seekg(0);
  }
}

// Characters come straight from the stream buffer: istream::get() builds a sentry object per
// call, which makes a 200-MB file several times slower to read.
int CsvReader::get() {
  const int c = file_.rdbuf()->sbumpc();
  if (c == '\n') ++line_;
  return c == std::char_traits<char>::eof() ? EOF : c;
}

int CsvReader::peek() {
  const int c = file_.rdbuf()->sgetc();
  return c == std::char_traits<char>::eof() ? EOF : c;
}

bool CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  // Skip empty lines ("\n" or "\r\n" alone): they hold no record.
  while (peek() == '\n' || peek() == '\r')
    get();
  if (peek() == EOF) return false;

  record.line = line_;
  std::string field;
  while (true) {
    int c = get();
    if (c == '"' && field.empty()) {
      // A quoted field: read up to the closing quote; "" inside stands for one '"'.
      const int64_t opened_on = line_;
      while (true) {
        c = get();
        TIMBRE_CHECK(c != EOF, path_, ": line ", opened_on,
                     ": a quoted field is never closed (a '\"' is missing)");
        if (c == '"') {
          if (peek() == '"') {
            get();
            field += '"';
          } else {
            break;
          }
        } else {
          field += static_cast<char>(c);
        }
      }
      // After the closing quote only a separator or the end of the record may follow.
      const int after = peek();
      TIMBRE_CHECK(after == ',' || after == '\n' || after == '\r' || after == EOF, path_, ": line ",
                   line_, ": unexpected character '", static_cast<char>(after),
                   "' after the closing quote of field ", record.fields.size() + 1,
                   " (a '\"' inside a quoted field must be doubled)");
      continue;
    }
    if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && peek() == '\n') {
      get();
      break;
    } else if (c == '\n' || c == EOF) {
      break;
    } else {
      field += static_cast<char>(c);
    }
  }
  record.fields.push_back(std::move(field));
  return true;
}

std::vector<CsvRecord> read_csv(const std::string& path) {
  CsvReader reader(path);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.next(record))
    records.push_back(record);
  return records;
}

std::string csv_field(const std::string& field) {
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs_quotes) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace timbre::data
