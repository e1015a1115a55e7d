// dlpack_abi.h: the DLPack exchange structures, written from the published
// ABI (https://dmlc.github.io/dlpack/latest/). Only the layout matters: the
// field order, types and enum values below are what every producer and
// consumer agree on, so these must never be reordered. Used by dlpack.cpp.
#pragma once

#include <cstdint>

namespace mt::dlpack {

// Device types (DLDeviceType). Only the ones minitorch names are listed; an
// int32 field carries any other value through unchanged.
enum : int32_t {
  kCPU = 1,
  kCUDA = 2,
  kCUDAHost = 3,
  kROCM = 10,
  kCUDAManaged = 13,
};

// Type codes (DLDataTypeCode).
enum : uint8_t {
  kInt = 0,
  kUInt = 1,
  kFloat = 2,
  kOpaqueHandle = 3,
  kBfloat = 4,
  kComplex = 5,
  kBool = 6,
};

// Flags of the versioned tensor.
inline constexpr uint64_t kFlagReadOnly = 1ull << 0;
inline constexpr uint64_t kFlagIsCopied = 1ull << 1;

// The major version this file describes; minor versions only add fields at
// the end or new enum values.
inline constexpr uint32_t kMajorVersion = 1;
inline constexpr uint32_t kMinorVersion = 0;

struct Version {
  uint32_t major;
  uint32_t minor;
};

struct Device {
  int32_t device_type;  // a C enum in the ABI: int-sized
  int32_t device_id;
};

struct DataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};

struct Tensor {
  void* data;
  Device device;
  int32_t ndim;
  DataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; may be null for a compact row-major tensor
  uint64_t byte_offset;
};

// The legacy (pre-1.0) managed tensor, capsule name "dltensor".
struct ManagedTensor {
  Tensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(ManagedTensor* self);
};

// The DLPack 1.x managed tensor, capsule name "dltensor_versioned".
struct ManagedTensorVersioned {
  Version version;
  void* manager_ctx;
  void (*deleter)(ManagedTensorVersioned* self);
  uint64_t flags;
  Tensor dl_tensor;
};

static_assert(sizeof(Device) == 8 && sizeof(DataType) == 4, "DLPack ABI layout");
static_assert(sizeof(Tensor) == 48, "DLPack ABI layout");
static_assert(sizeof(ManagedTensor) == 64, "DLPack ABI layout");
static_assert(sizeof(ManagedTensorVersioned) == 80, "DLPack ABI layout");

}  // namespace mt::dlpack
