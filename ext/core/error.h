// error.h: the one exception type the C++ layers throw.
//
// ext/core, ext/ops, ext/autograd and the kernels never touch Python. They
// report bad input by throwing mt::Error, which carries a kind (which Python
// exception class it becomes) and a message. ext/python translates it in one
// place (MT_BEGIN / MT_END in ext/python/glue.h).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace mt {

enum class ErrorKind { TypeError, ValueError, IndexError, RuntimeError, NotImplementedError };

// Default visibility: minitorch._C_cuda throws it and _C catches it, so both
// modules must agree on its type_info (they are built with -fvisibility=hidden).
class __attribute__((visibility("default"))) Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

namespace detail {
inline void append(std::ostringstream&) {}
template <typename T, typename... Rest>
void append(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  append(os, rest...);
}
template <typename... Args>
[[noreturn]] void fail(ErrorKind kind, const Args&... args) {
  std::ostringstream os;
  append(os, args...);
  throw Error(kind, os.str());
}
}  // namespace detail

}  // namespace mt

// MT_CHECK(cond, "message ", value, ...): RuntimeError unless cond holds.
// MT_CHECK_KIND(kind, cond, ...): the same with an explicit kind.
// Macros rather than functions so the message is only built on failure.
#define MT_CHECK_KIND(kind, cond, ...)                                   \
  do {                                                                   \
    if (!(cond)) ::mt::detail::fail(::mt::ErrorKind::kind, __VA_ARGS__); \
  } while (0)
#define MT_CHECK(cond, ...) MT_CHECK_KIND(RuntimeError, cond, __VA_ARGS__)
#define MT_THROW(kind, ...) ::mt::detail::fail(::mt::ErrorKind::kind, __VA_ARGS__)
