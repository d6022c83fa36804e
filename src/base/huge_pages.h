// Memory in transparent huge pages, for data read in long streams (packed weights, the bandwidth
// probe): in 4 KiB pages every page costs a TLB walk and stops the hardware prefetcher.
#pragma once

#include <cstddef>

namespace tessera {

constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// `bytes` aligned to a huge page and advised into huge pages where the system has them; released with
// std::free. nullptr when the memory cannot be had.
void* allocate_huge_pages(std::size_t bytes);

}  // namespace tessera
