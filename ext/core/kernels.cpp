// kernels.cpp: storage for the per-device kernel tables, the check that a
// backend filled its table, and the default generator.
#include "kernels.h"

#include "kernels_nn.h"

#include "random.h"

namespace mt {

namespace {
// One table per DeviceType value, indexed by static_cast<int>(type).
KernelTable g_tables[kNumDeviceTypes];
NnKernelTable g_nn_tables[kNumDeviceTypes];
static_assert(sizeof(g_tables) / sizeof(g_tables[0]) == kNumDeviceTypes &&
                  static_cast<int>(DeviceType::CPU) == 0 &&
                  static_cast<int>(DeviceType::CUDA) == kNumDeviceTypes - 1,
              "one kernel table per DeviceType: update kNumDeviceTypes with the enum");
}  // namespace

KernelTable& kernel_table(DeviceType type) {
  const int i = static_cast<int>(type);
  MT_CHECK(i >= 0 && i < kNumDeviceTypes, "invalid device type ", i);
  return g_tables[i];
}
NnKernelTable& nn_kernel_table(DeviceType type) {
  kernel_table(type);  // checks the index
  return g_nn_tables[static_cast<int>(type)];
}

std::vector<std::string> missing_nn_kernels(DeviceType type) {
  [[maybe_unused]] const NnKernelTable& t = nn_kernel_table(type);
  std::vector<std::string> missing;
  [[maybe_unused]] auto check = [&missing](const void* fn, const char* name) {
    if (fn == nullptr) missing.emplace_back(name);
  };
  // Every slot of NnKernelTable, one line each:
  //   check(reinterpret_cast<const void*>(t.<slot>), "<slot>");
  // ---- conv ----
  check(reinterpret_cast<const void*>(t.im2col), "im2col");
  check(reinterpret_cast<const void*>(t.col2im), "col2im");
  // ---- end conv ----
  // ---- fusednn ----
  check(reinterpret_cast<const void*>(t.nll_forward), "nll_forward");
  check(reinterpret_cast<const void*>(t.nll_backward), "nll_backward");
  check(reinterpret_cast<const void*>(t.norm_forward), "norm_forward");
  check(reinterpret_cast<const void*>(t.norm_backward), "norm_backward");
  check(reinterpret_cast<const void*>(t.channel_norm_forward), "channel_norm_forward");
  check(reinterpret_cast<const void*>(t.channel_norm_backward), "channel_norm_backward");
  check(reinterpret_cast<const void*>(t.point_loss_forward), "point_loss_forward");
  check(reinterpret_cast<const void*>(t.point_loss_backward), "point_loss_backward");
  // ---- end fusednn ----
  // ---- rnnattn ----
  check(reinterpret_cast<const void*>(t.lstm_cell), "lstm_cell");
  check(reinterpret_cast<const void*>(t.lstm_cell_backward), "lstm_cell_backward");
  check(reinterpret_cast<const void*>(t.gru_cell), "gru_cell");
  check(reinterpret_cast<const void*>(t.gru_cell_backward), "gru_cell_backward");
  check(reinterpret_cast<const void*>(t.rnn_cell), "rnn_cell");
  check(reinterpret_cast<const void*>(t.rnn_cell_backward), "rnn_cell_backward");
  check(reinterpret_cast<const void*>(t.sdpa_forward), "sdpa_forward");
  check(reinterpret_cast<const void*>(t.sdpa_backward), "sdpa_backward");
  // ---- end rnnattn ----
  // ---- losses ----
  check(reinterpret_cast<const void*>(t.prob_ce_forward), "prob_ce_forward");
  check(reinterpret_cast<const void*>(t.prob_ce_backward), "prob_ce_backward");
  check(reinterpret_cast<const void*>(t.elem_loss_forward), "elem_loss_forward");
  check(reinterpret_cast<const void*>(t.elem_loss_backward), "elem_loss_backward");
  check(reinterpret_cast<const void*>(t.embedding_bag_forward), "embedding_bag_forward");
  check(reinterpret_cast<const void*>(t.embedding_bag_backward), "embedding_bag_backward");
  // ---- end losses ----
  // ---- pool ----
  check(reinterpret_cast<const void*>(t.pool_forward), "pool_forward");
  check(reinterpret_cast<const void*>(t.pool_backward), "pool_backward");
  // ---- end pool ----
  return missing;
}

bool device_available(DeviceType type) { return kernel_table(type).allocator.alloc != nullptr; }

std::vector<std::string> missing_kernels(DeviceType type) {
  const KernelTable& t = kernel_table(type);
  std::vector<std::string> missing;
  auto check = [&missing](const void* fn, const std::string& name) {
    if (fn == nullptr) missing.push_back(name);
  };
  // Every function-pointer slot of KernelTable; a slot added there belongs
  // here too. (blas is optional: the glue fills it when it finds a library.)
#define MT_SLOT(name) check(reinterpret_cast<const void*>(t.name), #name)
  check(reinterpret_cast<const void*>(t.allocator.alloc), "allocator.alloc");
  check(reinterpret_cast<const void*>(t.allocator.free), "allocator.free");
  MT_SLOT(copy);
  MT_SLOT(copy_bytes);
  MT_SLOT(fill);
  MT_SLOT(arange);
  MT_SLOT(linspace);
  MT_SLOT(uniform);
  MT_SLOT(normal);
  MT_SLOT(randint);
  MT_SLOT(randperm);
  MT_SLOT(reduce);
  MT_SLOT(scan);
  MT_SLOT(softmax);
  MT_SLOT(index_offsets);
  MT_SLOT(index_gather);
  MT_SLOT(index_scatter);
  MT_SLOT(masked_fill);
  MT_SLOT(nonzero_count);
  MT_SLOT(nonzero);
  MT_SLOT(sort);
  MT_SLOT(topk);
  MT_SLOT(lexsort_rows);
  MT_SLOT(unique_runs);
  MT_SLOT(searchsorted);
  MT_SLOT(triangle);
  MT_SLOT(gemm);
  MT_SLOT(sgd_step);
  MT_SLOT(adam_step);
  MT_SLOT(rmsprop_step);
  MT_SLOT(adagrad_step);
  MT_SLOT(adamax_step);
  MT_SLOT(nadam_step);
  MT_SLOT(radam_step);
#undef MT_SLOT
  for (int i = 0; i < kNumUnaryOps; ++i)
    check(reinterpret_cast<const void*>(t.unary[i]), std::string("unary.") + kUnaryNames[i]);
  for (int i = 0; i < kNumBinaryOps; ++i)
    check(reinterpret_cast<const void*>(t.binary[i]), std::string("binary.") + kBinaryNames[i]);
  for (int i = 0; i < kNumTernaryOps; ++i)
    check(reinterpret_cast<const void*>(t.ternary[i]), std::string("ternary.") + kTernaryNames[i]);
  for (const std::string& name : missing_nn_kernels(type)) missing.push_back("nn." + name);
  return missing;
}

GeneratorState& default_generator() {
  static GeneratorState g;
  return g;
}

}  // namespace mt
