// tensor/device.h - where a tensor's memory lives: the CPU or the n-th CUDA GPU.
#pragma once

#include <string>

namespace timbre {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;  // which GPU; always 0 for the CPU

  static Device cpu() { return {DeviceType::CPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::CUDA, index}; }

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device&) const = default;

  // "cpu" or "cuda:0".
  std::string str() const {
    return is_cpu() ? std::string("cpu") : "cuda:" + std::to_string(index);
  }
  // Parses "cpu", "cuda" or "cuda:N"; throws timbre::Error for anything else.
  static Device parse(const std::string& text);
};

}  // namespace timbre
