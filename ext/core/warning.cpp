// warning.cpp: see Note [Warnings] in warning.h.
#include "warning.h"

#include <cstdio>

namespace mt {

namespace {
WarningHandler g_handler = nullptr;
}  // namespace

void set_warning_handler(WarningHandler handler) { g_handler = handler; }

void warn(const std::string& message) {
  if (g_handler)
    g_handler(message);
  else
    std::fprintf(stderr, "UserWarning: %s\n", message.c_str());
}

}  // namespace mt
