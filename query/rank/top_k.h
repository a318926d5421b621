// The best `k` of a stream of items under an order, kept in a bounded heap (the
// worst of them on top, so a better item replaces it in O(log k)). Used to pick
// a page without sorting every match. Private to query/.
//
//   TopK<Hit, Better> top(first + count, better);
//   for (...) top.Offer(hit);
//   std::vector<Hit> best = std::move(top).Sorted();  // best first
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace vitrine::query::internal {

template <typename T, typename Better>
class TopK {
 public:
  TopK(size_t k, Better better) : k_(k), better_(std::move(better)) {
    items_.reserve(std::min<size_t>(k, 1024));
  }

  void Offer(const T& item) {
    if (items_.size() < k_) {
      items_.push_back(item);
      std::push_heap(items_.begin(), items_.end(), better_);
    } else if (k_ > 0 && better_(item, items_.front())) {
      std::pop_heap(items_.begin(), items_.end(), better_);
      items_.back() = item;
      std::push_heap(items_.begin(), items_.end(), better_);
    }
  }

  // Puts `item` in the place of the kept item `same` picks, if there is one
  // (`item` being no worse than it); whether there was.
  template <typename Same>
  bool Replace(Same&& same, const T& item) {
    const auto found = std::find_if(items_.begin(), items_.end(), same);
    if (found == items_.end()) return false;
    // Better than the item it replaces: it sinks towards the leaves, below
    // the worse of its children while one is worse.
    size_t at = static_cast<size_t>(found - items_.begin());
    for (size_t child = 2 * at + 1; child < items_.size(); child = 2 * at + 1) {
      if (child + 1 < items_.size() && better_(items_[child], items_[child + 1])) ++child;
      if (!better_(item, items_[child])) break;
      items_[at] = std::move(items_[child]);
      at = child;
    }
    items_[at] = item;
    return true;
  }

  size_t size() const { return items_.size(); }
  // The worst of the kept items (not empty).
  const T& Worst() const { return items_.front(); }

  // The kept items, best first.
  std::vector<T> Sorted() && {
    std::sort_heap(items_.begin(), items_.end(), better_);
    return std::move(items_);
  }

 private:
  size_t k_;
  Better better_;
  std::vector<T> items_;
};

}  // namespace vitrine::query::internal
