// tensor/npy.cpp - the .npy format: a magic string, a version, a header length, a Python-dict
// header such as {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } and then the raw
// little-endian values in row-major order.
#include "tensor/npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "tensor/kernels.h"

namespace timbre {

namespace {

constexpr char kMagic[] = "\x93NUMPY";

std::string header_value(const std::string& header, const std::string& key,
                         const std::string& path) {
  const size_t at = header.find("'" + key + "'");
  TIMBRE_CHECK(at != std::string::npos, path, ": .npy header has no '", key, "' entry");
  const size_t colon = header.find(':', at);
  TIMBRE_CHECK(colon != std::string::npos, path, ": malformed .npy header");
  size_t start = header.find_first_not_of(' ', colon + 1);
  size_t end;
  if (header[start] == '(') {
    end = header.find(')', start);
    TIMBRE_CHECK(end != std::string::npos, path, ": malformed shape in .npy header");
    return header.substr(start, end - start + 1);
  }
  end = header.find_first_of(",}", start);
  return header.substr(start, end - start);
}

Shape parse_shape(const std::string& text, const std::string& path) {
  Shape shape;
  std::string digits;
  for (char c : text.substr(1)) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ',' || c == ')') {
      if (!digits.empty()) shape.push_back(std::stoll(digits));
      digits.clear();
    } else {
      TIMBRE_CHECK(c == ' ', path, ": unexpected character in .npy shape ", text);
    }
  }
  return shape;
}

// NumPy bools (one byte each, 0 or 1) become an int64 tensor of 0s and 1s: timbre has no bool
// dtype, and masks are used as numbers anyway.
Tensor read_bool_data(std::ifstream& file, const std::string& fortran_order, const Shape& shape,
                      const std::string& path) {
  TIMBRE_CHECK(fortran_order == "False", path, ": Fortran-order .npy files are not supported");
  std::vector<unsigned char> bytes(static_cast<size_t>(shape_numel(shape)));
  file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  TIMBRE_CHECK(file.gcount() == static_cast<std::streamsize>(bytes.size()), path,
               ": truncated .npy data: expected ", bytes.size(), " bytes for shape ",
               shape_str(shape), ", found ", file.gcount());
  Tensor tensor = empty(shape, {.dtype = DType::Int64});
  int64_t* values = tensor.data_ptr<int64_t>();
  for (size_t i = 0; i < bytes.size(); ++i)
    values[i] = bytes[i] != 0;
  return tensor;
}

}  // namespace

Tensor read_npy(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  TIMBRE_CHECK(file.good(), path, ": cannot open file");
  char magic[6] = {};
  file.read(magic, 6);
  TIMBRE_CHECK(file.gcount() == 6 && std::memcmp(magic, kMagic, 6) == 0, path,
               ": not a .npy file (bad magic string)");
  unsigned char version[2] = {};
  file.read(reinterpret_cast<char*>(version), 2);
  TIMBRE_CHECK(file.good() && version[0] >= 1 && version[0] <= 3, path,
               ": unsupported .npy version ", int(version[0]));
  uint32_t header_length = 0;
  unsigned char length_bytes[4] = {};
  const int length_size = version[0] == 1 ? 2 : 4;
  file.read(reinterpret_cast<char*>(length_bytes), length_size);
  TIMBRE_CHECK(file.good(), path, ": truncated .npy header");
  for (int i = length_size - 1; i >= 0; --i)
    header_length = header_length * 256 + length_bytes[i];
  TIMBRE_CHECK(header_length < (1u << 20), path, ": .npy header length ", header_length,
               " is implausible");
  std::string header(header_length, '\0');
  file.read(header.data(), header_length);
  TIMBRE_CHECK(file.gcount() == static_cast<std::streamsize>(header_length), path,
               ": truncated .npy header");

  const std::string descr = header_value(header, "descr", path);
  DType dtype;
  if (descr == "'<f4'") {
    dtype = DType::Float32;
  } else if (descr == "'<f8'") {
    dtype = DType::Float64;
  } else if (descr == "'<i8'") {
    dtype = DType::Int64;
  } else if (descr == "'|b1'") {
    return read_bool_data(file, header_value(header, "fortran_order", path),
                          parse_shape(header_value(header, "shape", path), path), path);
  } else {
    throw Error(path + ": unsupported .npy dtype " + descr +
                " (timbre reads little-endian float32, float64 and int64)");
  }
  TIMBRE_CHECK(header_value(header, "fortran_order", path) == "False", path,
               ": Fortran-order .npy files are not supported; save with C order");
  const Shape shape = parse_shape(header_value(header, "shape", path), path);

  Tensor tensor = empty(shape, {.dtype = dtype});
  const std::streamsize nbytes = static_cast<std::streamsize>(tensor.numel()) *
                                 static_cast<std::streamsize>(dtype_size(dtype));
  file.read(static_cast<char*>(tensor.raw_data_ptr()), nbytes);
  TIMBRE_CHECK(file.gcount() == nbytes, path, ": truncated .npy data: expected ", nbytes,
               " bytes for shape ", shape_str(shape), ", found ", file.gcount());
  return tensor;
}

void write_npy(const std::string& path, const Tensor& tensor) {
  Tensor host = kernels::contiguous(kernels::to_device(tensor, Device::cpu()));
  const char* descr = host.dtype() == DType::Float32   ? "<f4"
                      : host.dtype() == DType::Float64 ? "<f8"
                                                       : "<i8";
  // Python tuple syntax: (), (5,) or (3, 4).
  std::string shape_text = "(";
  for (int64_t d = 0; d < host.dim(); ++d) {
    shape_text += (d > 0 ? ", " : "") + std::to_string(host.sizes()[d]);
  }
  shape_text += host.dim() == 1 ? ",)" : ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const size_t unpadded = 6 + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';

  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    TIMBRE_CHECK(file.good(), temporary, ": cannot open for writing");
    file.write(kMagic, 6);
    const char version[2] = {1, 0};
    file.write(version, 2);
    const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                     static_cast<unsigned char>(header.size() >> 8)};
    file.write(reinterpret_cast<const char*>(length), 2);
    file.write(header.data(), static_cast<std::streamsize>(header.size()));
    file.write(static_cast<const char*>(host.raw_data_ptr()),
               static_cast<std::streamsize>(host.numel() * dtype_size(host.dtype())));
    file.flush();
    TIMBRE_CHECK(file.good(), temporary, ": write failed (disk full?)");
  }
  TIMBRE_CHECK(std::rename(temporary.c_str(), path.c_str()) == 0, path,
               ": cannot rename the temporary file into place");
}

}  // namespace timbre
