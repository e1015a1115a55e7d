// random_mt.h: the CPU stream, a 32-bit Mersenne Twister (MT19937) with the
// same seeding, draw order and float transforms as PyTorch's CPU generator,
// so that rand/randn give PyTorch's numbers for the same seed.
//
// Seeding uses the low 32 bits of the 64-bit seed (as std::mt19937 does).
// random() is one 32-bit draw; random64() is two draws, the first one the
// high word. A float uniform keeps the low 24 bits of random(), a double the
// low 53 bits of random64(). randn keeps a cached second Box-Muller value for
// its per-element (small tensor) path, reset by manual_seed.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace mt {

struct MTEngine {
  static constexpr int kN = 624;
  uint32_t state[kN];
  int index = kN;
  bool has_normal = false;  // cached second value of the scalar Box-Muller
  double next_normal = 0;

  MTEngine() { seed(67280421310721ull); }

  void seed(uint64_t s) {
    state[0] = static_cast<uint32_t>(s);
    for (int i = 1; i < kN; ++i)
      state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + static_cast<uint32_t>(i);
    index = kN;
    has_normal = false;
    next_normal = 0;
  }

  uint32_t random() {
    if (index >= kN) twist();
    uint32_t y = state[index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  uint64_t random64() {
    uint64_t hi = random();
    uint64_t lo = random();
    return (hi << 32) | lo;
  }

  float uniform_float() {
    return static_cast<float>(random() & ((1u << 24) - 1)) * (1.0f / 16777216.0f);
  }
  double uniform_double() {
    return static_cast<double>(random64() & ((uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
  }

  // One standard normal draw in double, PyTorch's scalar path.
  double normal_double() {
    if (has_normal) {
      has_normal = false;
      return next_normal;
    }
    double u1 = uniform_double();
    double u2 = uniform_double();
    double r = std::sqrt(-2.0 * std::log1p(-u2));
    double theta = 2.0 * M_PI * u1;
    has_normal = true;
    next_normal = r * std::sin(theta);
    return r * std::cos(theta);
  }

  // Serialised form: the 624 words, the index, the normal cache.
  static constexpr size_t kBytes = sizeof(uint32_t) * kN + sizeof(int32_t) + 1 + sizeof(double);
  void save(unsigned char* out) const {
    std::memcpy(out, state, sizeof(state));
    int32_t i = index;
    std::memcpy(out + sizeof(state), &i, sizeof(i));
    out[sizeof(state) + 4] = has_normal ? 1 : 0;
    std::memcpy(out + sizeof(state) + 5, &next_normal, sizeof(double));
  }
  bool load(const unsigned char* in) {
    int32_t i;
    std::memcpy(&i, in + sizeof(state), sizeof(i));
    if (i < 0 || i > kN) return false;
    std::memcpy(state, in, sizeof(state));
    index = i;
    has_normal = in[sizeof(state) + 4] != 0;
    std::memcpy(&next_normal, in + sizeof(state) + 5, sizeof(double));
    return true;
  }

 private:
  void twist() {
    for (int i = 0; i < kN; ++i) {
      uint32_t y = (state[i] & 0x80000000u) | (state[(i + 1) % kN] & 0x7fffffffu);
      uint32_t v = state[(i + 397) % kN] ^ (y >> 1);
      if (y & 1u) v ^= 0x9908b0dfu;
      state[i] = v;
    }
    index = 0;
  }
};

}  // namespace mt
