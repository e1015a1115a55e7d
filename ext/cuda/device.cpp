// device.cpp: devices, streams and host/device transfers of the CUDA
// backend. Nothing here runs at import: the first call that needs the
// driver asks it (Note [CUDA backend registration]).
#include <mutex>
#include <string>

#include "cuda.h"

namespace mt::cuda {

namespace {
constexpr int kMaxDevices = 64;
thread_local cudaStream_t t_streams[kMaxDevices] = {};
}  // namespace

const char* unavailable() {
  static std::once_flag once;
  static std::string reason;
  static bool ok = false;
  std::call_once(once, [] {
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    cudaGetLastError();  // a failed query must not linger as the "last error"
    if (err == cudaSuccess && n > 0) {
      ok = true;
    } else if (err == cudaSuccess || err == cudaErrorNoDevice) {
      reason =
          "CUDA is not available: no CUDA device (the NVIDIA driver is installed but sees no "
          "GPU; check CUDA_VISIBLE_DEVICES)";
    } else {
      reason = std::string(
                   "CUDA is not available: no CUDA driver (Found no NVIDIA driver on "
                   "your system, or it is too old for this build: ") +
               cudaGetErrorName(err) + ": " + cudaGetErrorString(err) + ")";
    }
  });
  return ok ? nullptr : reason.c_str();
}

int device_count() {
  if (unavailable() != nullptr) return 0;
  int n = 0;
  MT_CUDA_CHECK(cudaGetDeviceCount(&n));
  return n < kMaxDevices ? n : kMaxDevices;
}

int current_device() {
  const char* why = unavailable();
  MT_CHECK(why == nullptr, why);
  int d = 0;
  MT_CUDA_CHECK(cudaGetDevice(&d));
  return d;
}

int checked_device(int index) {
  if (index < 0) return current_device();
  const int n = device_count();
  MT_CHECK(index < n, "CUDA error: invalid device ordinal (device ", index, " requested, ", n,
           " visible)");
  return index;
}

void set_device(int index) { MT_CUDA_CHECK(cudaSetDevice(checked_device(index))); }

DeviceGuard::DeviceGuard(int index) {
  if (index < 0) return;
  MT_CUDA_CHECK(cudaGetDevice(&prev_));
  if (prev_ == index)
    prev_ = -1;
  else
    MT_CUDA_CHECK(cudaSetDevice(index));
}
DeviceGuard::~DeviceGuard() {
  if (prev_ >= 0) cudaSetDevice(prev_);  // a destructor cannot throw; nothing to undo
}

cudaStream_t current_stream(int device) {
  const int d = device < 0 ? current_device() : device;
  return d < kMaxDevices ? t_streams[d] : nullptr;
}
void set_current_stream(int device, cudaStream_t s) {
  const int d = checked_device(device);
  t_streams[d] = s;
}

void synchronize(int device) {
  DeviceGuard guard(checked_device(device));
  MT_CUDA_CHECK(cudaDeviceSynchronize());
}

void memcpy(void* dst, const void* src, int64_t nbytes, CopyKind kind, int device,
            bool non_blocking) {
  if (nbytes == 0) return;
  const int d = checked_device(device);
  DeviceGuard guard(d);
  const cudaMemcpyKind k = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                           : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                            : cudaMemcpyDeviceToDevice;
  cudaStream_t s = current_stream(d);
  MT_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(nbytes), k, s));
  if (!non_blocking) MT_CUDA_CHECK(cudaStreamSynchronize(s));
}

}  // namespace mt::cuda
