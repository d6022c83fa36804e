// Memory for packed weights. Decode reads every weight of a model once per step, one after the other,
// and most weights are far smaller than 2 MiB: alone, each would sit in 4 KiB pages, where every page
// costs a TLB walk and stops the hardware prefetcher. So weights are placed one after another in arenas
// of transparent huge pages. An arena is returned to the system when its last weight is released.
#include <cstdlib>
#include <mutex>
#include <vector>

#include "base/huge_pages.h"
#include "cpu_backend.h"

namespace tessera::cpu {

namespace {

constexpr std::uint64_t kArenaBytes = 16 * kHugePageBytes;

struct Arena {
  char* base = nullptr;
  std::uint64_t size = 0, used = 0;
  std::int64_t live = 0;  // weights not yet released
};

std::mutex arenas_mutex;
std::vector<Arena> arenas;

}  // namespace

void* allocate_weight(std::uint64_t bytes) {
  const std::uint64_t rounded = bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
  if (rounded < bytes) return nullptr;
  std::lock_guard lock(arenas_mutex);
  Arena* target = nullptr;
  if (!arenas.empty() && arenas.back().size - arenas.back().used >= rounded) target = &arenas.back();
  if (target == nullptr) {
    // Large weights get an arena of their own, rounded to whole huge pages.
    const std::uint64_t size = rounded > kArenaBytes / 4
                                   ? (rounded + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes
                                   : kArenaBytes;
    if (size < rounded) return nullptr;
    auto* base = static_cast<char*>(allocate_huge_pages(size));
    if (base == nullptr) return nullptr;
    // A dedicated arena goes first, so that the shared one at the back keeps taking small weights.
    Arena arena{base, size, 0, 0};
    if (rounded > kArenaBytes / 4 && !arenas.empty()) {
      arenas.insert(arenas.end() - 1, arena);
      target = &arenas[arenas.size() - 2];
    } else {
      arenas.push_back(arena);
      target = &arenas.back();
    }
  }
  char* memory = target->base + target->used;
  target->used += rounded;
  ++target->live;
  return memory;
}

bool release_weight(void* memory) {
  std::lock_guard lock(arenas_mutex);
  for (auto arena = arenas.begin(); arena != arenas.end(); ++arena) {
    const auto* address = static_cast<const char*>(memory);
    if (address < arena->base || address >= arena->base + arena->size) continue;
    if (--arena->live == 0) {
      std::free(arena->base);
      arenas.erase(arena);
    }
    return true;
  }
  return false;
}

}  // namespace tessera::cpu
