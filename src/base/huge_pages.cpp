#include "base/huge_pages.h"

#include <sys/mman.h>

#include <cstdlib>

namespace tessera {

void* allocate_huge_pages(std::size_t bytes) {
  void* memory = nullptr;
  if (::posix_memalign(&memory, kHugePageBytes, bytes) != 0) return nullptr;
#ifdef MADV_HUGEPAGE
  ::madvise(memory, bytes, MADV_HUGEPAGE);
#endif
  return memory;
}

}  // namespace tessera
