// tests/test_data_csv.cpp - the RFC 4180 reader (data/csv_reader.h) and the GTZAN feature tables
// (data/feature_csv.h): quoting, line numbers, every error naming the file, the line and the
// column, song grouping of the 3-s segments, row and column selection, and the round trip.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/csv_reader.h"
#include "data/feature_csv.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test; write() puts a text file in it.
class DataCsv : public timbre::testing::FolderTest {
 protected:
  DataCsv() : FolderTest("timbre_csv_") {}

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (directory_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
};

// A small features_3_sec.csv: two songs of two genres, with two segments each.
const char* const kSegments =
    "filename,length,tempo,label\n"
    "blues.00029.0.wav,66149,123.046875,blues\n"
    "blues.00029.1.wav,66149,0.1,blues\n"
    "rock.00003.0.wav,66149,-2.5e-3,rock\n"
    "rock.00003.1.wav,66149,1e10,rock\n";

TEST_F(DataCsv, ReaderSplitsRecordsAndFields) {
  const std::vector<CsvRecord> records = read_csv(write("a.csv", "a,b,c\n1,,3\n"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "", "3"}));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 2);
}

TEST_F(DataCsv, QuotedFieldsKeepCommasDoubledQuotesAndLineBreaks) {
  const std::vector<CsvRecord> records =
      read_csv(write("q.csv", "id,title\n2,\"Hip-Hop, \"\"Rap\"\"\"\n3,\"two\nlines\"\n4,x\n"));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields[1], "Hip-Hop, \"Rap\"");
  EXPECT_EQ(records[2].fields[1], "two\nlines");
  // The record after a two-line field starts two lines further on.
  EXPECT_EQ(records[3].line, 5);
}

TEST_F(DataCsv, CarriageReturnLineFeedEndsARecord) {
  const std::vector<CsvRecord> records = read_csv(write("crlf.csv", "a,b\r\n1,2\r\n"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST_F(DataCsv, ByteOrderMarkAndEmptyLinesAreSkipped) {
  const std::vector<CsvRecord> records = read_csv(write("bom.csv", "\xEF\xBB\xBFname\n\n7\n"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields[0], "name");
  EXPECT_EQ(records[1].fields[0], "7");
  EXPECT_EQ(records[1].line, 3);
}

TEST_F(DataCsv, QuoteInsideUnquotedFieldIsKept) {
  const std::vector<CsvRecord> records = read_csv(write("inch.csv", "12\" single,b\n"));
  EXPECT_EQ(records[0].fields[0], "12\" single");
}

TEST_F(DataCsv, UnclosedQuoteNamesFileAndLine) {
  const std::string path = write("open.csv", "a,b\n1,\"never closed\n2,3\n");
  EXPECT_ERROR_CONTAINS(read_csv(path), path + ": line 2: a quoted field is never closed");
}

TEST_F(DataCsv, CharacterAfterClosingQuoteIsAnError) {
  const std::string path = write("after.csv", "a,\"b\"c\n");
  EXPECT_ERROR_CONTAINS(read_csv(path), "line 1: unexpected character 'c' after the closing quote");
}

TEST_F(DataCsv, MissingFileIsAnError) {
  EXPECT_ERROR_CONTAINS(read_csv((directory_ / "nowhere.csv").string()),
                        "nowhere.csv: cannot open");
}

TEST_F(DataCsv, CsvFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("blues"), "blues");
  EXPECT_EQ(csv_field("Hip-Hop, Rap"), "\"Hip-Hop, Rap\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST_F(DataCsv, FeatureTableReadsNamesValuesAndSortedClasses) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  EXPECT_EQ(table.rows(), 4);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"length", "tempo"}));
  EXPECT_EQ(table.classes, (std::vector<std::string>{"blues", "rock"}));
  EXPECT_EQ(table.labels, (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(table.values.dtype(), kFloat64);
  timbre::testing::expect_tensor(table.values, {4, 2},
                                 {66149, 123.046875, 66149, 0.1, 66149, -2.5e-3, 66149, 1e10}, 0.0);
  EXPECT_EQ(table.filenames[2], "rock.00003.0.wav");
}

TEST_F(DataCsv, SegmentsOfOneSongShareTheSong) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  EXPECT_EQ(table.songs,
            (std::vector<std::string>{"blues.00029", "blues.00029", "rock.00003", "rock.00003"}));
}

TEST_F(DataCsv, ClassesAreSortedWhateverTheRowOrder) {
  const FeatureTable table = read_feature_csv(
      write("f.csv", "filename,x,label\nb.wav,1,rock\na.wav,2,blues\nc.wav,3,rock\n"));
  EXPECT_EQ(table.classes, (std::vector<std::string>{"blues", "rock"}));
  EXPECT_EQ(table.labels, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(table.counts_per_class(), (std::vector<int64_t>{1, 2}));
}

TEST_F(DataCsv, NonNumericValueNamesLineAndColumn) {
  const std::string path =
      write("bad.csv", "filename,length,tempo,label\na.wav,1,2,blues\nb.wav,1,fast,rock\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path),
                        path + ": line 3, column 3 (tempo): 'fast' is not a number");
}

TEST_F(DataCsv, EmptyValueIsNotANumber) {
  const std::string path = write("bad.csv", "filename,length,tempo,label\na.wav,,2,blues\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), "line 2, column 2 (length): '' is not a number");
}

TEST_F(DataCsv, NonFiniteValueNamesLineAndColumn) {
  const std::string path = write("nan.csv", "filename,length,tempo,label\na.wav,nan,2,blues\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path),
                        path + ": line 2, column 2 (length): 'nan' is not finite");
  const std::string infinite =
      write("inf.csv", "filename,length,tempo,label\na.wav,1,2,blues\nb.wav,1,-inf,rock\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(infinite),
                        "line 3, column 3 (tempo): '-inf' is not finite");
}

TEST_F(DataCsv, WrongNumberOfFieldsNamesLine) {
  const std::string path = write("short.csv", "filename,length,tempo,label\na.wav,1,blues\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path),
                        path + ": line 2: 3 fields, but the header has 4 columns");
}

TEST_F(DataCsv, EmptyLabelNamesLineAndColumn) {
  const std::string path = write("nolabel.csv", "filename,length,label\na.wav,1,\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), "line 2, column 3 (label): the label is empty");
}

TEST_F(DataCsv, EmptyFileIsAnError) {
  const std::string path = write("empty.csv", "");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), path + ": the file is empty");
}

TEST_F(DataCsv, HeaderWithoutDataRowsIsAnError) {
  const std::string path = write("header.csv", "filename,length,label\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), path + ": the file has a header row but no data");
}

TEST_F(DataCsv, MissingHeaderIsAnError) {
  const std::string path = write("noheader.csv", "blues.00000.wav,661794,0.35,blues\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), path + ": line 1: the header row is missing");
}

TEST_F(DataCsv, HeaderNeedsFilenameNumbersAndLabel) {
  const std::string path = write("narrow.csv", "filename,label\na.wav,blues\n");
  EXPECT_ERROR_CONTAINS(read_feature_csv(path), "the header has 2 column(s)");
}

TEST_F(DataCsv, ColumnIndexFindsNumericColumnsOnly) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  EXPECT_EQ(table.column_index("length"), 0);
  EXPECT_EQ(table.column_index("tempo"), 1);
  EXPECT_ERROR_CONTAINS(table.column_index("label"), "no numeric column named 'label'");
}

TEST_F(DataCsv, SelectRowsTakesRowsInOrderAndKeepsClasses) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  const FeatureTable picked = table.select_rows({3, 0});
  EXPECT_EQ(picked.filenames, (std::vector<std::string>{"rock.00003.1.wav", "blues.00029.0.wav"}));
  EXPECT_EQ(picked.songs, (std::vector<std::string>{"rock.00003", "blues.00029"}));
  EXPECT_EQ(picked.labels, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(picked.classes, table.classes);
  timbre::testing::expect_tensor(picked.values, {2, 2}, {66149, 1e10, 66149, 123.046875}, 0.0);
  EXPECT_ERROR_CONTAINS(table.select_rows({4}), "row index 4 is out of range for a table of 4");
}

TEST_F(DataCsv, DropColumnsRemovesNamesAndValues) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  const FeatureTable dropped = table.drop_columns({"length"});
  EXPECT_EQ(dropped.column_names, (std::vector<std::string>{"tempo"}));
  timbre::testing::expect_tensor(dropped.values, {4, 1}, {123.046875, 0.1, -2.5e-3, 1e10}, 0.0);
  EXPECT_ERROR_CONTAINS(table.drop_columns({"lenght"}), "no numeric column named 'lenght'");
}

TEST_F(DataCsv, WrittenTableReadsBackExactly) {
  const FeatureTable table = read_feature_csv(
      write("f.csv", "name,x,label\n\"odd, name.wav\",0.1,\"Hip-Hop, Rap\"\nb.wav,1e-300,blues\n"));
  const std::string copy = (directory_ / "copy.csv").string();
  write_feature_csv(copy, table);
  const FeatureTable again = read_feature_csv(copy);
  EXPECT_EQ(again.filenames, table.filenames);
  EXPECT_EQ(again.column_names, table.column_names);
  EXPECT_EQ(again.classes, table.classes);
  EXPECT_EQ(again.labels, table.labels);
  EXPECT_EQ(again.filename_column, "name");
  EXPECT_EQ(again.values.to_vector<double>(), table.values.to_vector<double>());
}

TEST_F(DataCsv, WritingReplacesTheFileAndLeavesNoTemporary) {
  const std::string path = write("out.csv", "old contents");
  write_feature_csv(path, read_feature_csv(write("f.csv", kSegments)));
  EXPECT_EQ(read_feature_csv(path).rows(), 4);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(DataCsv, WritingIntoAMissingFolderIsAnError) {
  const FeatureTable table = read_feature_csv(write("f.csv", kSegments));
  EXPECT_ERROR_CONTAINS(write_feature_csv((directory_ / "no" / "such.csv").string(), table),
                        "cannot write");
}

}  // namespace
}  // namespace timbre::data
