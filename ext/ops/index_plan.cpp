// index_plan.cpp: PyTorch's rules for x[index], on an index the glue has
// converted to IndexItems (see ops.h).
//
// The index is split the way PyTorch splits it:
// - basic items (ints, slices with any step, None, Ellipsis) apply first as
//   views: an int selects (removing the dim), a slice narrows (a negative
//   step gives negative strides, as NumPy; PyTorch refuses those), None
//   unsqueezes;
// - advanced items (integer/bool tensors and bools) are collected per dim of
//   that view, for index / index_put_, which apply the result-shape rules.
//   Ints count as basic even next to advanced indices (as PyTorch, unlike
//   NumPy).
#include "ops.h"

namespace mt::ops {

namespace {

using Kind = IndexItem::Kind;

bool is_mask(const Tensor& t) { return t->dtype() == DType::Bool || t->dtype() == DType::UInt8; }

// Dims an item consumes from the indexed tensor.
int64_t consumed_dims(const IndexItem& it) {
  switch (it.kind) {
    case Kind::Int:
    case Kind::Slice:
      return 1;
    case Kind::Tensor:
      return is_mask(it.tensor) ? it.tensor->dim() : 1;
    default:
      return 0;
  }
}

}  // namespace

IndexItem index_item_from_tensor(const Tensor& index) {
  const Tensor& t = index;  // (x[[]] is an int64 index already: the glue converts it)
  MT_CHECK_KIND(IndexError, !is_floating(t->dtype()),
                "tensors used as indices must be long, int, byte or bool tensors");
  IndexItem it;
  if (t->dim() == 0) {
    if (is_mask(t)) {  // a 0-d mask acts as a Python bool
      it.kind = Kind::Bool;
      it.flag = item(t).i != 0;
    } else {
      it.kind = Kind::Int;
      it.value = item(t).to_int();
    }
    return it;
  }
  it.kind = Kind::Tensor;
  it.tensor = t;
  return it;
}

BasicIndex basic_index(const Tensor& self, const IndexItem* items, int64_t n) {
  // The commonest index, one slice (x[1:], x[:n]), skips the general walk.
  if (n == 1 && items[0].kind == Kind::Slice && self->dim() > 0) {
    BasicIndex r;
    r.view = slice(self, 0, items[0].start, items[0].stop, items[0].step);
    return r;
  }
  int64_t consumed = 0;
  bool seen_ellipsis = false;
  for (int64_t i = 0; i < n; ++i) {
    const IndexItem& it = items[i];
    if (it.kind == Kind::Ellipsis) {
      MT_CHECK_KIND(IndexError, !seen_ellipsis, "an index can only have a single ellipsis ('...')");
      seen_ellipsis = true;
    }
    consumed += consumed_dims(it);
  }
  if (self->dim() == 0 && n == 1 && items[0].kind == Kind::Int)
    MT_THROW(IndexError,
             "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  MT_CHECK_KIND(IndexError, consumed <= self->dim(), "too many indices for tensor of dimension ",
                self->dim());

  BasicIndex r;
  Tensor t = self;
  int64_t dim = 0;       // dim of the current view the next item applies to
  int64_t real_dim = 0;  // dim of self, for error messages (as PyTorch reports it)
  // r.adv gets an entry per view dim once the first advanced item shows up.
  auto whole_dims = [&](int64_t k) {
    if (r.has_adv)
      for (int64_t j = 0; j < k; ++j) r.adv.push_back(Tensor());
  };
  auto start_adv = [&]() {
    if (!r.has_adv) r.adv.assign(dim, Tensor());
    r.has_adv = true;
  };
  for (int64_t i = 0; i < n; ++i) {
    const IndexItem& it = items[i];
    switch (it.kind) {
      case Kind::Ellipsis: {
        int64_t k = self->dim() - consumed;
        whole_dims(k);
        dim += k;
        real_dim += k;
        break;
      }
      case Kind::None:
        t = unsqueeze(t, dim);
        whole_dims(1);
        ++dim;
        break;
      case Kind::Bool: {
        // A scalar bool adds a dim of size 1 and indexes it with [0] or [].
        t = unsqueeze(t, dim);
        start_adv();
        r.adv.push_back(from_host_int64(it.flag ? std::vector<int64_t>{0} : std::vector<int64_t>{},
                                        t->device()));
        ++dim;
        break;
      }
      case Kind::Slice:
        t = slice(t, dim, it.start, it.stop, it.step);
        whole_dims(1);
        ++dim;
        ++real_dim;
        break;
      case Kind::Int: {
        int64_t size = t->sizes()[dim];
        MT_CHECK_KIND(IndexError, it.value >= -size && it.value < size, "index ", it.value,
                      " is out of bounds for dimension ", real_dim, " with size ", size);
        t = select(t, dim, it.value);
        ++real_dim;
        break;
      }
      case Kind::Tensor: {
        start_adv();
        r.adv.push_back(it.tensor);
        int64_t k = consumed_dims(it);
        dim += k;
        real_dim += k;
        break;
      }
    }
  }
  // x[...] and x[()] give a new view of the same data, never self itself.
  r.view = t.get() == self.get() ? alias(t) : t;
  return r;
}

}  // namespace mt::ops
