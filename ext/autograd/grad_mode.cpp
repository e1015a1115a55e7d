// grad_mode.cpp: the thread-local grad-mode flag.
#include "node.h"

namespace mt::ag {

namespace {
thread_local bool t_grad_enabled = true;
}

bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool enabled) { t_grad_enabled = enabled; }

namespace {
bool g_anomaly = false;
bool g_anomaly_nan = true;
}  // namespace
bool anomaly_enabled() { return g_anomaly; }
bool anomaly_check_nan() { return g_anomaly_nan; }
void set_anomaly_enabled(bool enabled, bool check_nan) {
  g_anomaly = enabled;
  g_anomaly_nan = check_nan;
}

}  // namespace mt::ag
