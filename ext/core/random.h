// random.h: Philox4x32-10, a counter-based generator.
//
// A stream is (seed, offset): the same seed and offset give the same numbers
// on any device and any thread split, which is why PyTorch's CUDA backend uses
// it too. Each call to the generator for a tensor of n elements reserves a
// block of counters so successive calls draw fresh numbers.
#pragma once

#include <cstdint>

#include "dtype.h"
#include "random_mt.h"

namespace mt {

struct Philox {
  uint32_t key[2];
  uint32_t ctr[4];

  Philox(uint64_t seed, uint64_t offset) {
    key[0] = static_cast<uint32_t>(seed);
    key[1] = static_cast<uint32_t>(seed >> 32);
    ctr[0] = static_cast<uint32_t>(offset);
    ctr[1] = static_cast<uint32_t>(offset >> 32);
    ctr[2] = ctr[3] = 0;
  }

  // Four fresh 32-bit values; advances the counter.
  void next4(uint32_t out[4]) {
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
      uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c[0];
      uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c[2];
      uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0;
      uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1;
      c[0] = n0;
      c[1] = static_cast<uint32_t>(p1);
      c[2] = n2;
      c[3] = static_cast<uint32_t>(p0);
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    for (int i = 0; i < 4; ++i) out[i] = c[i];
    if (++ctr[0] == 0 && ++ctr[1] == 0 && ++ctr[2] == 0) ++ctr[3];
  }
};

// The process-wide default generator's state (manual_seed / seed / initial_seed).
struct GeneratorState {
  uint64_t seed = 67280421310721ull;
  uint64_t offset = 0;
  MTEngine cpu;  // the CPU stream (PyTorch-compatible); Philox serves other devices
  // Reserves `n` counters (each gives 4 values) and returns the first.
  uint64_t reserve(uint64_t n) {
    uint64_t o = offset;
    offset += n;
    return o;
  }
};
GeneratorState& default_generator();

// The CPU generator random functions draw from: the default one, or the
// Generator object a call passed as generator= (set for the call's duration
// by the Python glue, under the GIL; Note [CPU random streams]).
inline MTEngine* g_cpu_generator_override = nullptr;

// The CPU backend's samplers for those streams (ext/cpu/random_mt.h), set
// when it registers its kernels; ext/ops reaches them only through here.
// fill's `dist` is a cpu::rng::Dist.
struct MTSamplers {
  void (*fill)(MTEngine& e, int dist, char* out, int64_t n, DType dt, double a, double b,
               bool dense) = nullptr;
  void (*from_to)(MTEngine& e, char* out, int64_t n, DType dt, uint64_t range,
                  int64_t base) = nullptr;
  void (*randperm)(MTEngine& e, char* out, int64_t n, DType dt) = nullptr;
};
inline MTSamplers g_mt_samplers;
inline MTEngine& cpu_generator() {
  return g_cpu_generator_override ? *g_cpu_generator_override : default_generator().cpu;
}

}  // namespace mt
