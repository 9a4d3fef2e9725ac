// data/text_file.cpp - atomic text files (see text_file.h).
#include "data/text_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tensor/error.h"

namespace timbre::data {

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  TIMBRE_CHECK(file != nullptr, path, ": cannot open '", temporary, "' for writing");
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, path, ": cannot write '", temporary, "' (disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, path, ": cannot rename '", temporary, "' into place: ", error.message());
  }
}

std::string read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  TIMBRE_CHECK(file.good(), path, ": cannot open the file for reading");
  std::ostringstream text;
  text << file.rdbuf();
  TIMBRE_CHECK(!file.bad(), path, ": error while reading the file");
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace timbre::data
