// audio/sound_file.h - an audio file opened for reading by libsndfile (used by audio/decode.cpp).
//
// libsndfile parses a header in many small pieces: opening a WAV file takes it about 25 reads
// and seeks of 2 to 4 bytes, each a system call (1.5 to 2 us on a virtual machine, a quarter of
// the time of decoding a whole 30-s clip). So SoundFile opens the file itself, reads its first
// 4 KiB once, and hands libsndfile a "virtual file" (sf_open_virtual): reads that fall in those
// 4 KiB are copies from memory, everything else goes straight from the file into libsndfile's
// destination (pread), so a large read of samples is still one system call. The decoding itself
// is unchanged: libsndfile sees the same bytes in the same order. (Files it reads at an offset,
// behind an ID3v2 tag, are opened by name: see SoundFile.)
#pragma once

#include <sndfile.h>

#include <cstdint>
#include <string>
#include <vector>

namespace timbre::audio::detail {

// The bytes libsndfile reads: an open file, its size, its first bytes in memory, and the
// position of the next read. Closes the file when destroyed.
struct FileWithHead {
  int descriptor = -1;
  int64_t size = 0;
  int64_t position = 0;
  std::vector<unsigned char> head;  // the file's first min(size, 4 KiB) bytes
  int read_error = 0;               // errno of a failed read, 0 if none failed

  FileWithHead() = default;
  ~FileWithHead();
  FileWithHead(const FileWithHead&) = delete;
  FileWithHead& operator=(const FileWithHead&) = delete;
};

// An audio file opened by libsndfile for reading, with its header (info) read.
// Requires: nothing; Throws timbre::Error naming `path` and the reason when it is missing, a
// directory, unreadable, truncated (data shorter than its header announces), or not a format
// libsndfile decodes. Ensures: info().channels >= 1, info().samplerate >= 1, info().frames >= 0.
// Regular files are read through FileWithHead. Files whose format libsndfile can only guess
// from the name's extension (a headerless .au is 8 kHz mu-law; an .mp3 without an ID3 tag or
// frame sync at its start), files behind an ID3v2 tag (libsndfile reads them as embedded files
// at an offset it applies only to its own reads), and anything but a regular file (a pipe, a
// device; the descriptor opened to look at it stays open beside libsndfile's) are opened by name
// with sf_open as usual.
class SoundFile {
 public:
  explicit SoundFile(const std::string& path);
  ~SoundFile();
  SoundFile(const SoundFile&) = delete;
  SoundFile& operator=(const SoundFile&) = delete;

  SNDFILE* handle() const { return handle_; }
  const SF_INFO& info() const { return info_; }
  // True when libsndfile reads through FileWithHead (sf_open_virtual), false when the file was
  // opened by name.
  bool reads_through_head() const { return reads_through_head_; }

  // Throws timbre::Error naming the file if libsndfile reported an error, or a read of the file
  // failed (an I/O error rather than an early end), since it was opened.
  void check_no_read_error(const std::string& path) const;

 private:
  // Throws timbre::Error naming the file if a read of it failed (read_error set).
  void check_no_failed_read(const std::string& path) const;

  FileWithHead file_;  // destroyed after handle_ is closed (members go in reverse order)
  SNDFILE* handle_ = nullptr;
  SF_INFO info_{};
  bool reads_through_head_ = false;
};

}  // namespace timbre::audio::detail
