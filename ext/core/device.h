// device.h: where a tensor's bytes live.
#pragma once

#include <cstdint>
#include <string>

#include "error.h"

namespace mt {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
// Number of DeviceType values: the length of every per-device table.
inline constexpr int kNumDeviceTypes = 2;

struct Device {
  DeviceType type = DeviceType::CPU;
  int8_t index = -1;  // -1 = "current" (only meaningful for CUDA)

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const {
    if (is_cpu()) return "cpu";
    return index < 0 ? "cuda" : "cuda:" + std::to_string(index);
  }
};

// Parses "cpu", "cuda", "cuda:N" (PyTorch's spelling). RuntimeError otherwise,
// as PyTorch's device parser does.
inline Device parse_device(const std::string& s) {
  auto colon = s.find(':');
  std::string type = s.substr(0, colon);
  int index = -1;
  if (colon != std::string::npos) {
    std::string num = s.substr(colon + 1);
    bool ok = !num.empty() && num.size() < 4;
    for (char c : num) ok = ok && c >= '0' && c <= '9';
    MT_CHECK(ok, "Invalid device string: '", s, "'");
    index = std::stoi(num);
  }
  if (type == "cpu") {
    MT_CHECK(index <= 0, "CPU device index must be -1 or zero, got ", index);
    return Device{DeviceType::CPU, -1};
  }
  if (type == "cuda") return Device{DeviceType::CUDA, static_cast<int8_t>(index)};
  MT_THROW(RuntimeError, "Expected one of cpu, cuda device type at start of device string: ", s);
}

}  // namespace mt
