// random_mt.h: the CPU generator, a 32-bit Mersenne Twister (MT19937) with
// the same seeding, draw order, normal caches and saved-state layout as
// PyTorch's CPU generator (Note [CPU random streams]).
//
// Seeding uses the low 32 bits of the 64-bit seed (as std::mt19937 does) and
// keeps the whole seed for initial_seed(). random() is one 32-bit draw;
// random64() is two draws, the first one the high word. The engine counts
// `left` and `next` as PyTorch's does (left == 1 after seeding: the first
// draw twists), so a saved state is byte for byte PyTorch's.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace mt {

struct MTEngine {
  static constexpr int kN = 624;
  static constexpr int kM = 397;
  uint64_t seed_ = 0;
  int32_t left = 1;
  bool seeded = false;
  uint32_t next = 0;
  uint32_t state[kN];
  // Box-Muller's second value, one cache per precision (PyTorch's
  // next_double_normal_sample / next_float_normal_sample).
  bool has_normal = false;
  double next_normal = 0;
  bool has_float_normal = false;
  float next_float_normal = 0;

  MTEngine() { seed(67280421310721ull); }

  void seed(uint64_t s) {
    seed_ = s;
    seeded = true;
    state[0] = static_cast<uint32_t>(s);
    for (int i = 1; i < kN; ++i)
      state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + static_cast<uint32_t>(i);
    left = 1;
    next = 0;
    has_normal = has_float_normal = false;
    next_normal = 0;
    next_float_normal = 0;
  }

  uint32_t random() {
    if (--left == 0) twist();
    uint32_t y = state[next++];
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

  // n 32-bit draws into out (the same numbers as n calls of random()).
  void random_n(uint32_t* out, int64_t n) {
    int64_t i = 0;
    while (i < n) {
      if (left == 1) {
        twist();
        left = kN + 1;
      }
      int64_t avail = left - 1;  // draws left before the next twist
      int64_t take = avail < n - i ? avail : n - i;
      const uint32_t* s = state + next;
      for (int64_t k = 0; k < take; ++k) {
        uint32_t y = s[k];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        out[i + k] = y;
      }
      next += static_cast<uint32_t>(take);
      left -= static_cast<int32_t>(take);
      i += take;
    }
  }

  float uniform_float() {
    return static_cast<float>(random() & ((1u << 24) - 1)) * (1.0f / 16777216.0f);
  }
  double uniform_double() {
    return static_cast<double>(random64() & ((uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
  }

  // One standard normal draw in double, PyTorch's scalar path
  // (normal_distribution<double>): the cosine now, the sine cached.
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

  // PyTorch's CPUGeneratorImplState: the legacy THGeneratorState (initial
  // seed, left, seeded, next, the 624 words widened to 64 bits, three
  // doubles of which normal_y holds the cached double normal, its valid
  // flag), then the cached float normal and its flag; 5056 bytes with
  // x86-64 padding.
  static constexpr size_t kSeedAt = 0, kLeftAt = 8, kSeededAt = 12, kNextAt = 16, kStateAt = 24;
  static constexpr size_t kNormalYAt = kStateAt + 8 * kN + 8;  // after normal_x
  static constexpr size_t kNormalValidAt = kStateAt + 8 * kN + 24;
  static constexpr size_t kFloatNormalAt = kNormalValidAt + 8;  // int, then padding to 8
  static constexpr size_t kFloatValidAt = kFloatNormalAt + 4;
  static constexpr size_t kBytes = 5056;

  void save(unsigned char* out) const {
    std::memset(out, 0, kBytes);
    put<uint64_t>(out + kSeedAt, seed_);
    put<int32_t>(out + kLeftAt, left);
    put<int32_t>(out + kSeededAt, seeded ? 1 : 0);
    put<uint64_t>(out + kNextAt, next);
    for (int i = 0; i < kN; ++i) put<uint64_t>(out + kStateAt + 8 * i, state[i]);
    if (has_normal) {
      put<double>(out + kNormalYAt, next_normal);
      put<int32_t>(out + kNormalValidAt, 1);
    }
    if (has_float_normal) {
      put<float>(out + kFloatNormalAt, next_float_normal);
      out[kFloatValidAt] = 1;
    }
  }
  // False (and nothing changed) for a state PyTorch would call invalid.
  bool load(const unsigned char* in) {
    int32_t l = get<int32_t>(in + kLeftAt), sd = get<int32_t>(in + kSeededAt);
    uint64_t nx = get<uint64_t>(in + kNextAt);
    uint32_t nx32 = static_cast<uint32_t>(nx);
    if (sd == 0 || l <= 0 || l > kN || nx32 > static_cast<uint32_t>(kN)) return false;
    seed_ = get<uint64_t>(in + kSeedAt);
    left = l;
    seeded = true;
    next = nx32;
    for (int i = 0; i < kN; ++i)
      state[i] = static_cast<uint32_t>(get<uint64_t>(in + kStateAt + 8 * i));
    has_normal = get<int32_t>(in + kNormalValidAt) != 0;
    next_normal = has_normal ? get<double>(in + kNormalYAt) : 0.0;
    has_float_normal = in[kFloatValidAt] != 0;
    next_float_normal = has_float_normal ? get<float>(in + kFloatNormalAt) : 0.0f;
    return true;
  }

 private:
  template <typename T>
  static void put(unsigned char* p, T v) {
    std::memcpy(p, &v, sizeof(T));
  }
  template <typename T>
  static T get(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
  }
  static uint32_t mix(uint32_t u, uint32_t v) {
    uint32_t y = (u & 0x80000000u) | (v & 0x7fffffffu);
    return (y >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  }
  void twist() {
    int i = 0;
    for (; i < kN - kM; ++i) state[i] = state[i + kM] ^ mix(state[i], state[i + 1]);
    for (; i < kN - 1; ++i) state[i] = state[i + kM - kN] ^ mix(state[i], state[i + 1]);
    state[kN - 1] = state[kM - 1] ^ mix(state[kN - 1], state[0]);
    left = kN;
    next = 0;
  }
};

}  // namespace mt
