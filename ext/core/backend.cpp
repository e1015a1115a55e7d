// backend.cpp: see backend.h (Note [CUDA backend registration]).
#include "backend.h"

namespace mt {

CudaHooks& cuda_hooks() {
  static CudaHooks hooks;
  return hooks;
}

BackendApi* backend_api() {
  static BackendApi api{kBackendAbi,
                        sizeof(KernelTable),
                        sizeof(CudaHooks),
                        sizeof(TensorIter),
                        &kernel_table(DeviceType::CUDA),
                        &cuda_hooks()};
  return &api;
}

void check_cuda_usable() {
  const CudaHooks& h = cuda_hooks();
  MT_CHECK(h.unavailable != nullptr,
           "Torch not compiled with CUDA enabled (this build of minitorch has no CUDA backend: "
           "not compiled with CUDA)");
  const char* why = h.unavailable();
  MT_CHECK(why == nullptr, why);
}

Device resolve_device(Device d) {
  if (d.is_cuda() && d.index < 0) {
    check_cuda_usable();
    d.index = static_cast<int8_t>(cuda_hooks().current_device());
  }
  return d;
}

}  // namespace mt
