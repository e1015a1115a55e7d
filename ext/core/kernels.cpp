// kernels.cpp: storage for the per-device kernel tables and the default generator.
#include "kernels.h"

#include "random.h"

namespace mt {

namespace {
KernelTable g_tables[2];
}

KernelTable& kernel_table(DeviceType type) { return g_tables[static_cast<int>(type)]; }
bool device_available(DeviceType type) { return kernel_table(type).allocator.alloc != nullptr; }

GeneratorState& default_generator() {
  static GeneratorState g;
  return g;
}

}  // namespace mt
