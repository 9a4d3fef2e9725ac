// audio/sound_file.cpp - opening audio files for libsndfile: a virtual file with the first
// 4 KiB in memory, and the checks every opened file passes (truncation, a valid header).
#include "audio/sound_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "tensor/error.h"

namespace timbre::audio::detail {

namespace {

// Enough for the header of a WAV, AU or AIFF file (24 bytes to a few hundred, a few KiB with
// metadata chunks); what lies beyond is read with pread when libsndfile asks for it, so larger
// metadata only costs more system calls. Kept small because the head's bytes are copied twice
// (into the head, then into libsndfile's destination): with 64 KiB a 30-s clip took ~4 us longer
// to decode (of ~0.1 ms).
constexpr int64_t kHeadBytes = 4 * 1024;

FileWithHead& file_of(void* user) {
  return *static_cast<FileWithHead*>(user);
}

// libsndfile's virtual I/O callbacks (SF_VIRTUAL_IO), over a FileWithHead.
sf_count_t file_length(void* user) {
  return file_of(user).size;
}

sf_count_t file_seek(sf_count_t offset, int whence, void* user) {
  FileWithHead& file = file_of(user);
  if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return -1;
  const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? file.position : file.size;
  if (base + offset < 0) return -1;
  file.position = base + offset;
  return file.position;
}

// Reads up to `count` bytes at `offset` with pread (retried when interrupted by a signal).
// Returns the number read: fewer at the end of the file or after an error (kept in read_error).
int64_t read_at(FileWithHead& file, unsigned char* destination, int64_t count, int64_t offset) {
  int64_t done = 0;
  while (done < count) {
    const ssize_t got = pread(file.descriptor, destination + done,
                              static_cast<size_t>(count - done), offset + done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) file.read_error = errno;
    if (got <= 0) break;
    done += got;
  }
  return done;
}

// Copies what lies in the head, then reads the rest from the file (no seek needed: the position
// is ours). Returns the number of bytes read.
sf_count_t file_read(void* destination, sf_count_t count, void* user) {
  if (count <= 0) return 0;  // as libsndfile's own reads (it does not check before calling us)
  FileWithHead& file = file_of(user);
  auto* bytes = static_cast<unsigned char*>(destination);
  int64_t done = 0;
  const auto in_head = static_cast<int64_t>(file.head.size());
  if (file.position < in_head) {
    done = std::min<int64_t>(count, in_head - file.position);
    std::memcpy(bytes, file.head.data() + file.position, static_cast<size_t>(done));
  }
  if (done < count) done += read_at(file, bytes + done, count - done, file.position + done);
  file.position += done;
  return done;
}

// The file is opened for reading only; libsndfile never writes through this.
sf_count_t file_write(const void*, sf_count_t, void*) {
  return 0;
}

sf_count_t file_tell(void* user) {
  return file_of(user).position;
}

// libsndfile quietly reads what is there when a file is cut short after its header (it only
// notes "data : 441000 (should be 19956)" in its log for a WAV; "Data Size" for AU, "SSND :"
// for AIFF). We treat that as an error: a truncated download or copy should not silently become
// a shorter clip. Declared sizes that are streaming placeholders (0, or 0xFFFFFFFF-like
// "unknown") are not truncation; a 1-byte difference is a pad byte.
void check_not_truncated(SNDFILE* handle, const std::string& path) {
  std::vector<char> log(16384, '\0');
  sf_command(handle, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size() - 1));
  std::istringstream lines(std::string(log.data()));
  std::string line;
  while (std::getline(lines, line)) {
    const size_t should = line.find("(should be ");
    const bool data_line = line.find("data :") != std::string::npos ||     // WAV
                           line.find("Data Size") != std::string::npos ||  // AU
                           line.find("SSND :") != std::string::npos;       // AIFF
    if (should == std::string::npos || !data_line) continue;
    const size_t colon = line.find(':');
    const long long declared = std::atoll(line.c_str() + colon + 1);
    const long long actual = std::atoll(line.c_str() + should + 11);
    const bool placeholder = declared <= 0 || declared >= 0x7FFFF000LL;
    TIMBRE_CHECK(placeholder || declared - actual <= 1, "load_audio: '", path,
                 "' is truncated: its header announces ", declared, " bytes of audio but only ",
                 actual, " are present");
  }
}

}  // namespace

FileWithHead::~FileWithHead() {
  if (descriptor >= 0) close(descriptor);
}

SoundFile::SoundFile(const std::string& path) {
  file_.descriptor = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file_.descriptor < 0) {
    const int error = errno;
    throw Error(::timbre::detail::concat("load_audio: cannot open '", path, "': ",
                                         error == ENOENT ? "no such file" : std::strerror(error)));
  }
  struct stat status {};
  TIMBRE_CHECK(fstat(file_.descriptor, &status) == 0, "load_audio: cannot open '", path,
               "': ", std::strerror(errno));
  TIMBRE_CHECK(!S_ISDIR(status.st_mode), "load_audio: cannot open '", path, "': it is a directory");

  if (S_ISREG(status.st_mode)) {
    file_.size = static_cast<int64_t>(status.st_size);
    file_.head.resize(static_cast<size_t>(std::min(file_.size, kHeadBytes)));
    const int64_t got = read_at(file_, file_.head.data(), std::ssize(file_.head), 0);
    file_.head.resize(static_cast<size_t>(got));
    SF_VIRTUAL_IO callbacks{file_length, file_seek, file_read, file_write, file_tell};
    handle_ = sf_open_virtual(&callbacks, SFM_READ, &info_, &file_);
    // A file behind a prefix libsndfile skipped (an ID3v2 tag before a WAV, AIFF or FLAC file)
    // is read as an embedded file at that offset, which libsndfile applies to its own reads
    // only, not to virtual ones: open those by name.
    SF_EMBED_FILE_INFO embedded{};
    if (handle_ != nullptr &&
        (sf_command(handle_, SFC_GET_EMBED_FILE_INFO, &embedded, sizeof(embedded)) != 0 ||
         embedded.offset != 0)) {
      sf_close(handle_);
      handle_ = nullptr;
    }
    reads_through_head_ = handle_ != nullptr;
  }
  if (handle_ == nullptr) {
    // Not a regular file, not recognised from its bytes alone, or embedded: libsndfile also
    // looks at the name's extension, and applies an embedded file's offset, when it opens by name.
    std::memset(&info_, 0, sizeof(info_));
    handle_ = sf_open(path.c_str(), SFM_READ, &info_);
  }
  try {
    // A failed read explains a failed open better than libsndfile's message about the format.
    check_no_failed_read(path);
    TIMBRE_CHECK(handle_ != nullptr, "load_audio: cannot decode '", path,
                 "': ", sf_strerror(nullptr));
    check_not_truncated(handle_, path);
    TIMBRE_CHECK(info_.channels >= 1 && info_.samplerate >= 1 && info_.frames >= 0,
                 "load_audio: cannot decode '", path, "': invalid header (channels ",
                 info_.channels, ", sample rate ", info_.samplerate, ")");
  } catch (...) {
    if (handle_ != nullptr) sf_close(handle_);
    throw;
  }
}

SoundFile::~SoundFile() {
  sf_close(handle_);
}

void SoundFile::check_no_failed_read(const std::string& path) const {
  TIMBRE_CHECK(file_.read_error == 0, "load_audio: cannot read '", path,
               "': ", std::strerror(file_.read_error));
}

void SoundFile::check_no_read_error(const std::string& path) const {
  check_no_failed_read(path);
  TIMBRE_CHECK(sf_error(handle_) == SF_ERR_NO_ERROR, "load_audio: cannot decode '", path,
               "': ", sf_strerror(handle_));
}

}  // namespace timbre::audio::detail
