// nn_rnn.cpp: the CPU kernels of the fused recurrent cells (core/kernels_nn.h,
// Note [Fused RNN cells] in ext/ops/rnnattn.cpp): the pointwise gate math of
// one LSTM, GRU or Elman time step and its backward, over contiguous rows.
//
// Rows are independent, so the batch is split over parallel_for; each element
// depends only on its own row, and the transcendental functions are
// vecmath's (whose result depends only on the input value), so results are
// the same for every thread count.
#include <algorithm>
#include <vector>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"
#include "vecmath.h"

namespace mt::cpu {

namespace {

// Rows per parallel_for chunk: about 32k elements of gate math.
int64_t row_grain(int64_t row_len) {
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(row_len, 1));
}

template <typename T>
void lstm_fwd(int64_t batch, int64_t h, const T* gi, const T* gh, const T* cx, T* hy, T* cy,
              T* ws) {
  const int64_t g4 = 4 * h, w5 = 5 * h;
  parallel_for(0, batch, row_grain(w5), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const T* a = gi + b * g4;
      const T* c = gh + b * g4;
      T* w = ws + b * w5;
      for (int64_t j = 0; j < g4; ++j) w[j] = a[j] + c[j];
      vecmath::sigmoid(w, w, 2 * h);                             // i, f
      vecmath::map(vecmath::Fn::Tanh, w + 2 * h, w + 2 * h, h);  // g
      vecmath::sigmoid(w + 3 * h, w + 3 * h, h);                 // o
      const T* c0 = cx + b * h;
      T* c1 = cy + b * h;
      for (int64_t j = 0; j < h; ++j) c1[j] = w[h + j] * c0[j] + w[j] * w[2 * h + j];
      T* tc = w + 4 * h;
      vecmath::map(vecmath::Fn::Tanh, c1, tc, h);
      T* h1 = hy + b * h;
      for (int64_t j = 0; j < h; ++j) h1[j] = w[3 * h + j] * tc[j];
    }
  });
}

template <typename T>
void lstm_bwd(int64_t batch, int64_t h, const T* dhy, const T* dcy, const T* ws, const T* cx, T* dg,
              T* dcx) {
  const int64_t g4 = 4 * h, w5 = 5 * h;
  parallel_for(0, batch, row_grain(w5), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const T* w = ws + b * w5;
      const T* dh = dhy + b * h;
      const T* dc = dcy + b * h;
      const T* c0 = cx + b * h;
      T* d = dg + b * g4;
      T* dc0 = dcx + b * h;
      for (int64_t j = 0; j < h; ++j) {
        const T i = w[j], f = w[h + j], g = w[2 * h + j], o = w[3 * h + j], tc = w[4 * h + j];
        const T dct = dc[j] + dh[j] * o * (T(1) - tc * tc);
        d[j] = dct * g * i * (T(1) - i);
        d[h + j] = dct * c0[j] * f * (T(1) - f);
        d[2 * h + j] = dct * i * (T(1) - g * g);
        d[3 * h + j] = dh[j] * tc * o * (T(1) - o);
        dc0[j] = dct * f;
      }
    }
  });
}

template <typename T>
void gru_fwd(int64_t batch, int64_t h, const T* gi, const T* gh, const T* hx, T* hy, T* ws) {
  const int64_t g3 = 3 * h, w4 = 4 * h;
  parallel_for(0, batch, row_grain(w4), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const T* a = gi + b * g3;
      const T* c = gh + b * g3;
      T* w = ws + b * w4;
      for (int64_t j = 0; j < 2 * h; ++j) w[j] = a[j] + c[j];
      vecmath::sigmoid(w, w, 2 * h);  // r, z
      for (int64_t j = 0; j < h; ++j) {
        w[3 * h + j] = c[2 * h + j];
        w[2 * h + j] = a[2 * h + j] + w[j] * c[2 * h + j];
      }
      vecmath::map(vecmath::Fn::Tanh, w + 2 * h, w + 2 * h, h);  // n
      const T* h0 = hx + b * h;
      T* h1 = hy + b * h;
      for (int64_t j = 0; j < h; ++j) {
        const T z = w[h + j], n = w[2 * h + j];
        h1[j] = (T(1) - z) * n + z * h0[j];
      }
    }
  });
}

template <typename T>
void gru_bwd(int64_t batch, int64_t h, const T* dhy, const T* ws, const T* hx, T* dgi, T* dgh,
             T* dhx) {
  const int64_t g3 = 3 * h, w4 = 4 * h;
  parallel_for(0, batch, row_grain(w4), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const T* w = ws + b * w4;
      const T* dh = dhy + b * h;
      const T* h0 = hx + b * h;
      T* di = dgi + b * g3;
      T* dd = dgh + b * g3;
      T* d0 = dhx + b * h;
      for (int64_t j = 0; j < h; ++j) {
        const T r = w[j], z = w[h + j], n = w[2 * h + j], hn = w[3 * h + j];
        const T dn = dh[j] * (T(1) - z) * (T(1) - n * n);
        const T dz = dh[j] * (h0[j] - n) * z * (T(1) - z);
        const T dr = dn * hn * r * (T(1) - r);
        di[j] = dr;
        di[h + j] = dz;
        di[2 * h + j] = dn;
        dd[j] = dr;
        dd[h + j] = dz;
        dd[2 * h + j] = dn * r;
        d0[j] = dh[j] * z;
      }
    }
  });
}

constexpr int64_t kGrain = 32768;

template <typename T>
void rnn_fwd(int64_t n, const T* gi, const T* gh, bool relu, T* hy) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t j = b; j < e; ++j) hy[j] = gi[j] + gh[j];
    if (relu) {
      for (int64_t j = b; j < e; ++j)
        hy[j] = hy[j] > T(0) ? hy[j] : (hy[j] != hy[j] ? hy[j] : T(0));
    } else {
      vecmath::map(vecmath::Fn::Tanh, hy + b, hy + b, e - b);
    }
  });
}

template <typename T>
void rnn_bwd(int64_t n, const T* dhy, const T* hy, bool relu, T* dpre) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) {
    if (relu) {
      for (int64_t j = b; j < e; ++j) dpre[j] = hy[j] > T(0) ? dhy[j] : T(0);
    } else {
      for (int64_t j = b; j < e; ++j) dpre[j] = dhy[j] * (T(1) - hy[j] * hy[j]);
    }
  });
}

#define MT_RNN_DISPATCH(dtype, call) \
  if ((dtype) == DType::Float64) {   \
    using T = double;                \
    call;                            \
  } else {                           \
    using T = float;                 \
    call;                            \
  }

}  // namespace

void register_rnn_cell_kernels(NnKernelTable& t) {
  t.lstm_cell = [](DType dt, int64_t batch, int64_t hidden, const void* gi, const void* gh,
                   const void* cx, void* hy, void* cy, void* ws) {
    MT_RNN_DISPATCH(dt, lstm_fwd<T>(batch, hidden, static_cast<const T*>(gi),
                                    static_cast<const T*>(gh), static_cast<const T*>(cx),
                                    static_cast<T*>(hy), static_cast<T*>(cy), static_cast<T*>(ws)))
  };
  t.lstm_cell_backward = [](DType dt, int64_t batch, int64_t hidden, const void* dhy,
                            const void* dcy, const void* ws, const void* cx, void* dg, void* dcx) {
    MT_RNN_DISPATCH(
        dt, lstm_bwd<T>(batch, hidden, static_cast<const T*>(dhy), static_cast<const T*>(dcy),
                        static_cast<const T*>(ws), static_cast<const T*>(cx), static_cast<T*>(dg),
                        static_cast<T*>(dcx)))
  };
  t.gru_cell = [](DType dt, int64_t batch, int64_t hidden, const void* gi, const void* gh,
                  const void* hx, void* hy, void* ws) {
    MT_RNN_DISPATCH(dt,
                    gru_fwd<T>(batch, hidden, static_cast<const T*>(gi), static_cast<const T*>(gh),
                               static_cast<const T*>(hx), static_cast<T*>(hy), static_cast<T*>(ws)))
  };
  t.gru_cell_backward = [](DType dt, int64_t batch, int64_t hidden, const void* dhy, const void* ws,
                           const void* hx, void* dgi, void* dgh, void* dhx) {
    MT_RNN_DISPATCH(
        dt, gru_bwd<T>(batch, hidden, static_cast<const T*>(dhy), static_cast<const T*>(ws),
                       static_cast<const T*>(hx), static_cast<T*>(dgi), static_cast<T*>(dgh),
                       static_cast<T*>(dhx)))
  };
  t.rnn_cell = [](DType dt, int64_t n, const void* gi, const void* gh, bool relu, void* hy) {
    MT_RNN_DISPATCH(dt, rnn_fwd<T>(n, static_cast<const T*>(gi), static_cast<const T*>(gh), relu,
                                   static_cast<T*>(hy)))
  };
  t.rnn_cell_backward = [](DType dt, int64_t n, const void* dhy, const void* hy, bool relu,
                           void* dpre) {
    MT_RNN_DISPATCH(dt, rnn_bwd<T>(n, static_cast<const T*>(dhy), static_cast<const T*>(hy), relu,
                                   static_cast<T*>(dpre)))
  };
}

}  // namespace mt::cpu
