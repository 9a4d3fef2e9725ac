// Unit tests of the safetensors checkpoints: round trips, strict loading, corrupt and truncated
// files, atomic writes, and the exact byte layout that PyTorch's safetensors library reads.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>  // getpid

#include "layers/checkpoint.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;

namespace {

namespace fs = std::filesystem;

// A model with a weight [rows, 2], optionally a bias [rows], and an int64 buffer "count".
class TinyModel : public nn::Module {
 public:
  explicit TinyModel(int64_t rows = 3, bool with_bias = true, DType dtype = kFloat32)
      : Module("TinyModel") {
    weight = register_parameter("weight", randn({rows, 2}, {.dtype = dtype}));
    if (with_bias) bias = register_parameter("bias", randn({rows}, {.dtype = dtype}));
    count = register_buffer("count", tensor({7}, {.dtype = kInt64}));
  }
  Tensor weight, bias, count;
};

// A fresh directory for one test, removed at the end.
class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 ("timbre_checkpoint_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  static std::string read_bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  static void write_bytes(const std::string& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  // The 8-byte little-endian length followed by `header` and `data`: a file built by hand.
  static std::string file_bytes(const std::string& header, const std::string& data,
                                uint64_t header_length) {
    std::string bytes;
    for (int i = 0; i < 8; ++i)
      bytes += static_cast<char>((header_length >> (8 * i)) & 0xff);
    return bytes + header + data;
  }
  static std::string file_bytes(const std::string& header, const std::string& data) {
    return file_bytes(header, data, header.size());
  }

  fs::path directory_;
};

}  // namespace

// ---- Round trips --------------------------------------------------------------------------------

TEST_F(Checkpoint, ModelRoundTripRestoresValuesInPlace) {
  TinyModel saved;
  nn::save(saved, path("model.safetensors"));
  EXPECT_FALSE(fs::exists(path("model.safetensors.tmp")));  // the temporary file is gone

  TinyModel loaded;
  const Tensor weight_handle = loaded.weight;  // e.g. held by an optimizer
  loaded.count.set_at({0}, 0);
  nn::load(loaded, path("model.safetensors"));
  EXPECT_TRUE(all_close(loaded.weight, saved.weight, 0, 0));
  EXPECT_TRUE(all_close(loaded.bias, saved.bias, 0, 0));
  EXPECT_TRUE(all_close(loaded.count, saved.count, 0, 0));
  EXPECT_TRUE(weight_handle.is_same(loaded.weight));
  EXPECT_TRUE(all_close(weight_handle, saved.weight, 0, 0));
}

TEST_F(Checkpoint, MetadataRoundTripsIncludingCharactersThatNeedEscaping) {
  const nn::Metadata metadata = {{"epoch", "12"},
                                 {"note", "quote \" backslash \\ newline \n tab \t"},
                                 {"unicode", "caf\xc3\xa9"}};
  TinyModel model;
  nn::save(model, path("m.safetensors"), metadata);
  EXPECT_EQ(nn::read_safetensors_metadata(path("m.safetensors")), metadata);
  nn::save(model, path("none.safetensors"));
  EXPECT_TRUE(nn::read_safetensors_metadata(path("none.safetensors")).empty());
}

TEST_F(Checkpoint, EveryDtypeAndShapeRoundTripsThroughTheFileFunctions) {
  const std::vector<nn::NamedTensor> tensors = {
      {"f32", tensor({1.5, -2.0, 3.25}, {.dtype = kFloat32})},
      {"f64", tensor({1e-300, 2.0}, {.dtype = kFloat64}).reshape({2, 1})},
      {"i64", tensor({-5, 9000000000}, {.dtype = kInt64})},
      {"scalar", scalar_tensor(4.0, {.dtype = kFloat64})},
      {"empty", zeros({0, 3})},
      {"transposed", arange(6.0).reshape({2, 3}).t()},  // written contiguously
  };
  nn::write_safetensors(path("t.safetensors"), tensors);
  const std::vector<nn::NamedTensor> read = nn::read_safetensors(path("t.safetensors"));
  ASSERT_EQ(read.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(read[i].first, tensors[i].first);
    EXPECT_EQ(read[i].second.dtype(), tensors[i].second.dtype()) << tensors[i].first;
    EXPECT_TRUE(all_close(read[i].second, tensors[i].second, 0, 0)) << tensors[i].first;
  }
}

TEST_F(Checkpoint, TrainingStateResumesIdentically) {
  TinyModel model;
  nn::Adam optimizer(model.parameters(), 0.01);
  auto train_step = [](TinyModel& m, nn::Optimizer& o, int t) {
    m.weight.set_grad(full(m.weight.sizes(), 0.1 * t + 0.3));
    m.bias.set_grad(full(m.bias.sizes(), -0.2 * t));
    o.step();
  };
  for (int t = 0; t < 3; ++t)
    train_step(model, optimizer, t);
  nn::save_training_state(path("train.safetensors"), model, optimizer, {{"epoch", "3"}});

  TinyModel resumed;
  nn::Adam resumed_optimizer(resumed.parameters(), 0.5);
  const nn::Metadata metadata =
      nn::load_training_state(path("train.safetensors"), resumed, resumed_optimizer);
  EXPECT_EQ(metadata.at("epoch"), "3");
  EXPECT_EQ(resumed_optimizer.learning_rate(), 0.01);
  for (int t = 3; t < 5; ++t) {
    train_step(model, optimizer, t);
    train_step(resumed, resumed_optimizer, t);
  }
  EXPECT_TRUE(all_close(resumed.weight, model.weight, 0, 0));
  EXPECT_TRUE(all_close(resumed.bias, model.bias, 0, 0));
}

// ---- Strict loading -----------------------------------------------------------------------------

TEST_F(Checkpoint, LoadNamesTheFirstMissingUnexpectedOrMismatchedTensor) {
  const std::string file = path("strict.safetensors");
  TinyModel target;
  const std::vector<float> before = target.weight.to_vector<float>();

  TinyModel without_bias(3, /*with_bias=*/false);
  nn::save(without_bias, file);
  EXPECT_ERROR_CONTAINS(nn::load(target, file), "missing tensor \"bias\"");

  TinyModel with_bias;
  nn::save(with_bias, file);
  TinyModel target_without_bias(3, false);
  EXPECT_ERROR_CONTAINS(nn::load(target_without_bias, file), "unexpected tensor \"bias\"");

  TinyModel four_rows(4);
  nn::save(four_rows, file);
  EXPECT_ERROR_CONTAINS(nn::load(target, file),
                        "tensor \"weight\" has shape [4, 2] but the model's has shape [3, 2]");

  TinyModel in_float64(3, true, kFloat64);
  nn::save(in_float64, file);
  EXPECT_ERROR_CONTAINS(nn::load(target, file), "tensor \"weight\" is float64");
  EXPECT_ERROR_CONTAINS(nn::load(target, file), file);  // the message names the file

  // None of the failed loads changed the model.
  EXPECT_EQ(target.weight.to_vector<float>(), before);
}

TEST_F(Checkpoint, TrainingStateRejectsForeignTensorsAndChangesNothing) {
  TinyModel model;
  nn::SGD optimizer(model.parameters(), 0.1, 0.9);
  nn::write_safetensors(path("bad.safetensors"),
                        {{"model.weight", model.weight}, {"stray", model.bias}});
  EXPECT_ERROR_CONTAINS(nn::load_training_state(path("bad.safetensors"), model, optimizer),
                        "unexpected tensor \"stray\"");
  // Model tensors fine but optimizer state missing: the model must not be half-loaded.
  TinyModel other;
  nn::write_safetensors(
      path("no_optimizer.safetensors"),
      {{"model.weight", other.weight}, {"model.bias", other.bias}, {"model.count", other.count}});
  const std::vector<float> before = model.weight.to_vector<float>();
  EXPECT_ERROR_CONTAINS(nn::load_training_state(path("no_optimizer.safetensors"), model, optimizer),
                        "missing entry \"step\"");
  EXPECT_EQ(model.weight.to_vector<float>(), before);
}

// ---- Damaged files ------------------------------------------------------------------------------

TEST_F(Checkpoint, TruncatedFilesAreRejectedAtEveryCut) {
  TinyModel model;
  nn::save(model, path("whole.safetensors"));
  const std::string bytes = read_bytes(path("whole.safetensors"));
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i)
    header_length = header_length * 256 + uint8_t(bytes[i]);

  struct Cut {
    size_t length;
    const char* message;
  };
  const Cut cuts[] = {
      {0, "shorter than the 8-byte header length"},
      {5, "shorter than the 8-byte header length"},           // inside the length
      {8, "beyond the end of the file"},                      // no header at all
      {8 + header_length / 2, "beyond the end of the file"},  // inside the header
      {8 + header_length, "outside the data section"},        // no data
      {8 + header_length + 3, "outside the data section"},    // inside the data
      {bytes.size() - 1, "outside the data section"},         // one byte short
  };
  for (const Cut& cut : cuts) {
    SCOPED_TRACE("cut at byte " + std::to_string(cut.length));
    write_bytes(path("cut.safetensors"), bytes.substr(0, cut.length));
    EXPECT_ERROR_CONTAINS(nn::read_safetensors(path("cut.safetensors")), cut.message);
    EXPECT_ERROR_CONTAINS(nn::load(model, path("cut.safetensors")), "cut.safetensors");
  }
  EXPECT_ERROR_CONTAINS(nn::read_safetensors(path("does_not_exist")), "cannot open");
}

TEST_F(Checkpoint, CorruptHeadersAreRejectedWithAMessage) {
  const std::string eight_bytes(8, '\0');
  const std::string w = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
  struct Case {
    std::string header, data, message;
  };
  const Case cases[] = {
      {"{" + w, eight_bytes, "corrupt safetensors header"},
      {"{" + w + "[0,8]}} trailing", eight_bytes, "unexpected text after the JSON value"},
      {"[1,2]", "", "expected a JSON object"},
      {"{" + w + "[0,8]}}", std::string(4, '\0'), "outside the data section"},
      {"{" + w + "[0,8]}}", std::string(12, '\0'), "extra bytes at the end"},
      {"{" + w + "[8,0]}}", eight_bytes, "outside the data section"},
      {"{" + w + "[0,8]},\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
       std::string(12, '\0'), "overlapping or missing data"},
      {"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight_bytes,
       "needs 12 bytes"},
      {"{\"w\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", eight_bytes,
       "does not support"},
      {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", eight_bytes,
       "shape entry that is not a non-negative integer"},
      {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}",
       eight_bytes, "impossibly large shape"},
      {"{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}",
       eight_bytes, "integer too large"},
      {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight_bytes,
       "not a non-negative integer"},
      {"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight_bytes, "has no \"shape\""},
      {"{" + w + "[0,8],\"extra\":1}}", eight_bytes, "unknown header field \"extra\""},
      {"{" + w + "[0,8]}," + w + "[0,8]}}", eight_bytes, "duplicate key \"w\""},
      {"{\"__metadata__\":{\"epoch\":3}}", "", "metadata \"epoch\" must be a string"},
      {"{\"a\":\"\\q\"}", "", "unknown escape"},
      {"{\"a\":\"\\ud800\"}", "", "unpaired UTF-16 surrogate"},
      {std::string(100, '[') + std::string(100, ']'), "", "nested too deeply"},
      {"{\"a\":tru}", "", "unexpected character 't'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("header: " + c.header);
    write_bytes(path("corrupt.safetensors"), file_bytes(c.header, c.data));
    EXPECT_ERROR_CONTAINS(nn::read_safetensors(path("corrupt.safetensors")), c.message);
  }
  // A header length far beyond the file (all bits set), and one just past it.
  write_bytes(path("huge.safetensors"), file_bytes("{}", "", ~uint64_t{0}));
  EXPECT_ERROR_CONTAINS(nn::read_safetensors(path("huge.safetensors")),
                        "beyond the end of the file");
  write_bytes(path("long.safetensors"), file_bytes("{}", "", 3));
  EXPECT_ERROR_CONTAINS(nn::read_safetensors(path("long.safetensors")),
                        "beyond the end of the file");
  // Valid JSON escapes and an empty file of tensors are accepted.
  write_bytes(path("ok.safetensors"),
              file_bytes("{\"__metadata__\":{\"k\":\"\\u00e9\\ud83d\\ude00\\/\"}}  ", ""));
  EXPECT_EQ(nn::read_safetensors_metadata(path("ok.safetensors")).at("k"),
            "\xc3\xa9\xf0\x9f\x98\x80/");
}

// ---- Atomic writes ------------------------------------------------------------------------------

TEST_F(Checkpoint, AFailedSaveLeavesTheExistingCheckpointIntact) {
  TinyModel first;
  const std::string file = path("keep.safetensors");
  nn::save(first, file);
  const std::string original = read_bytes(file);

  // Make the temporary file impossible to create: a directory stands in its place. (Permission
  // bits would not stop a test running as root.)
  fs::create_directory(file + ".tmp");
  TinyModel second;
  EXPECT_ERROR_CONTAINS(nn::save(second, file), "cannot open for writing");
  EXPECT_EQ(read_bytes(file), original);
  fs::remove(file + ".tmp");

  // An invalid tensor list fails before anything is written.
  EXPECT_ERROR_CONTAINS(nn::write_safetensors(file, {{"a", first.weight}, {"a", first.bias}}),
                        "appears twice");
  EXPECT_EQ(read_bytes(file), original);
  EXPECT_FALSE(fs::exists(file + ".tmp"));

  // A directory that does not exist.
  EXPECT_ERROR_CONTAINS(nn::save(second, path("no/such/dir/model.safetensors")),
                        "cannot open for writing");
}

// ---- The byte layout ----------------------------------------------------------------------------

TEST_F(Checkpoint, ByteLayoutMatchesTheSafetensorsSpecification) {
  // One float32 tensor "w" = [1.0, -2.0]. By the specification the file is:
  //   the header length as a little-endian u64, the compact JSON header padded with spaces to a
  //   multiple of 8 (54 characters + 2 spaces = 56), then the values' little-endian bytes:
  //   1.0f = 0x3F800000 -> 00 00 80 3F, -2.0f = 0xC0000000 -> 00 00 00 C0.
  const std::string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
  ASSERT_EQ(header.size(), 56u);
  const std::string length("\x38\0\0\0\0\0\0\0", 8);  // 56
  const std::string data("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
  nn::write_safetensors(path("golden.safetensors"), {{"w", tensor({1.0, -2.0})}});
  EXPECT_EQ(read_bytes(path("golden.safetensors")), length + header + data);

  // With metadata, "__metadata__" comes first (85 characters + 3 spaces = 88 = 0x58).
  const std::string header_with_metadata =
      "{\"__metadata__\":{\"format\":\"pt\"},"
      "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}   ";
  ASSERT_EQ(header_with_metadata.size(), 88u);
  nn::write_safetensors(path("golden_metadata.safetensors"), {{"w", tensor({1.0, -2.0})}},
                        {{"format", "pt"}});
  EXPECT_EQ(read_bytes(path("golden_metadata.safetensors")),
            std::string("\x58\0\0\0\0\0\0\0", 8) + header_with_metadata + data);
}
