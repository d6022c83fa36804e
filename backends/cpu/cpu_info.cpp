// CPU model and instruction-set detection. Dispatch levels are chosen at run time from cpuid, never from
// the build machine.
#include <fstream>
#include <string>
#include <thread>

#include "cpu_backend.h"

namespace tessera::cpu {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
  }
  return "scalar";
}

bool parse_isa(const std::string& name, Isa* isa) {
  if (name == "scalar") *isa = Isa::kScalar;
  else if (name == "avx2") *isa = Isa::kAvx2;
  else if (name == "avx512") *isa = Isa::kAvx512;
  else return false;
  return true;
}

Isa detect_isa() {
#if defined(TESSERA_CPU_X86)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  if (!avx2) return Isa::kScalar;
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vnni");
  return avx512 ? Isa::kAvx512 : Isa::kAvx2;
#else
  return Isa::kScalar;
#endif
}

std::string describe_cpu(Isa isa) {
  std::string model;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) model = line.substr(colon + 1);
      break;
    }
  }
  while (!model.empty() && model.front() == ' ') model.erase(model.begin());
  if (model.empty()) model = "CPU";
  std::string features = isa_name(isa);
  if (isa == Isa::kAvx512) features += ", vnni";
  return model + " (" + features + ")";
}

int hardware_threads() {
  unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

}  // namespace tessera::cpu
