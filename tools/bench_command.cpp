// `tessera bench`: llama-bench style prompt processing (pp) and generation (tg) runs with random
// tokens, repeated; reports medians and spread, plus decode as a fraction of measured read bandwidth.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/thread_pool.h"
#include "engine/engine.h"
#include "runtime/kernel_profile.h"
#include "tools/command.h"

namespace tessera::cli {

namespace {

struct BenchSettings {
  std::string model;
  int prompt_tokens = 512;
  int generated_tokens = 128;
  int threads = 2;
  std::vector<int> thread_counts;  // --threads-list: one measurement per count, then the scaling
  int repetitions = 3;
  bool json = false;
  bool skip_bandwidth = false;
  bool profile = false;  // one more pp and tg run each, timed per kernel
};

struct Summary {
  double median = 0, minimum = 0, maximum = 0, stddev = 0;
  std::vector<double> samples;
};

Summary summarize(std::vector<double> samples) {
  Summary summary;
  summary.samples = samples;
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  std::size_t middle = samples.size() / 2;
  summary.median = samples.size() % 2 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
  summary.minimum = samples.front();
  summary.maximum = samples.back();
  double mean = 0;
  for (double sample : samples) mean += sample;
  mean /= static_cast<double>(samples.size());
  double variance = 0;
  for (double sample : samples) variance += (sample - mean) * (sample - mean);
  summary.stddev = std::sqrt(variance / static_cast<double>(samples.size()));
  return summary;
}

// Read bandwidth in GB/s: every thread sums its share of a buffer much larger than the caches, the best
// of several passes. The buffer lies in transparent huge pages, as the CPU backend's packed weights do:
// in 4 KiB pages the TLB walks alone cost this machine about 15% of its bandwidth. Every other pass also
// asks for the lines 4 KiB ahead, as the decode kernels do: on the Xeon here that reads about 15% more
// than the hardware prefetchers alone, and the probe should measure the most a reader can get.
double measure_read_bandwidth(int threads) {
  constexpr std::size_t kBytes = std::size_t{512} << 20, kHugePage = std::size_t{2} << 20;
  void* memory = nullptr;
  if (::posix_memalign(&memory, kHugePage, kBytes) != 0) return 0.0;
  std::unique_ptr<void, decltype(&std::free)> owner(memory, &std::free);
#ifdef MADV_HUGEPAGE
  ::madvise(memory, kBytes, MADV_HUGEPAGE);
#endif
  auto* data = static_cast<std::uint64_t*>(memory);
  const auto count = static_cast<std::int64_t>(kBytes / sizeof(std::uint64_t));
  ThreadPool pool(threads);
  pool.run([&](int thread, int n_threads) {
    const auto range = split_range(count, thread, n_threads);
    for (std::int64_t index = range.begin; index < range.end; ++index)
      data[index] = static_cast<std::uint64_t>(index);
  });
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(threads) * 8);
  double best = 0;
  constexpr std::int64_t kAhead = 4096 / sizeof(std::uint64_t);
  for (int repetition = 0; repetition < 6; ++repetition) {
    const bool prefetch = repetition % 2 == 1;
    auto start = std::chrono::steady_clock::now();
    pool.run([&](int thread, int n_threads) {
      const auto range = split_range(count, thread, n_threads);
      std::uint64_t lanes[8] = {};
      std::int64_t index = range.begin;
      for (; index + 8 <= range.end; index += 8) {
        if (prefetch && index + kAhead < range.end) __builtin_prefetch(data + index + kAhead);
        for (int lane = 0; lane < 8; ++lane) lanes[lane] += data[index + lane];
      }
      for (; index < range.end; ++index) lanes[0] += data[index];
      std::uint64_t total = 0;
      for (auto lane : lanes) total += lane;
      sums[static_cast<std::size_t>(thread) * 8] = total;
    });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, static_cast<double>(kBytes) / seconds / 1e9);
  }
  if (sums[0] == 42) std::fprintf(stderr, " ");  // keeps the sums observable
  return best;
}

struct Measurement {
  Summary prompt, generation;
  std::uint64_t weight_bytes = 0;
  double bandwidth = 0, decode_gb_s = 0;
  std::string device_name;
  std::vector<runtime::KernelTime> prompt_kernels, generation_kernels;  // with --profile
};

// Loads the model with settings.threads threads and runs the pp and tg repetitions; false on error.
bool measure(const BenchSettings& settings, Measurement* measurement) {
  engine::EngineOptions options;
  options.model_path = settings.model;
  options.threads = settings.threads;
  options.context_length = std::max(settings.prompt_tokens, settings.generated_tokens + 1) + 16;
  options.batch_size = std::max(1, settings.prompt_tokens);
  auto loaded = engine::Engine::load(options);
  if (!loaded.ok()) {
    std::fprintf(stderr, "tessera: %s\n", loaded.error().to_string().c_str());
    return false;
  }
  auto& engine = *loaded.value();
  const int vocab = engine.model().config().vocab_size;
  std::mt19937 random(1234);
  std::uniform_int_distribution<int> pick(0, vocab - 1);
  auto random_tokens = [&](int count) {
    std::vector<std::int32_t> tokens(static_cast<std::size_t>(count));
    for (auto& token : tokens) token = pick(random);
    return tokens;
  };
  auto prompt_run = [&]() -> std::optional<double> {  // prompt tokens per second
    engine::GenerationRequest request;
    request.prompt = random_tokens(settings.prompt_tokens);
    request.max_tokens = 0;
    auto result = engine.generate(request);
    if (!result.ok()) {
      std::fprintf(stderr, "tessera: %s\n", result.error().to_string().c_str());
      return std::nullopt;
    }
    return result->timings.prompt_tokens_per_second();
  };
  auto generation_run = [&]() -> std::optional<double> {  // generated tokens per second
    engine::GenerationRequest request;
    request.prompt = random_tokens(1);
    request.max_tokens = settings.generated_tokens + 1;  // the first token comes from the 1-token prompt step
    request.sampling = engine::SamplingParams::greedy();
    request.stop_at_end_of_generation = false;
    auto result = engine.generate(request);
    if (!result.ok()) {
      std::fprintf(stderr, "tessera: %s\n", result.error().to_string().c_str());
      return std::nullopt;
    }
    return result->timings.generation_tokens_per_second();
  };
  std::vector<double> prompt_rates;
  std::vector<double> generation_rates;
  // One warm-up of each kind pages the weights in and settles the thread pool.
  for (int repetition = -1; repetition < settings.repetitions; ++repetition) {
    if (settings.prompt_tokens > 0) {
      auto rate = prompt_run();
      if (!rate) return false;
      if (repetition >= 0) prompt_rates.push_back(*rate);
    }
    if (settings.generated_tokens > 0) {
      auto rate = generation_run();
      if (!rate) return false;
      if (repetition >= 0) generation_rates.push_back(*rate);
    }
  }
  // Profiled runs come after the measured ones, so that timing each kernel leaves the rates untouched.
  if (settings.profile) {
    auto& profile = runtime::KernelProfile::global();
    if (settings.prompt_tokens > 0) {
      profile.start();
      const bool ok = prompt_run().has_value();
      measurement->prompt_kernels = profile.stop();
      if (!ok) return false;
    }
    if (settings.generated_tokens > 0) {
      profile.start();
      const bool ok = generation_run().has_value();
      measurement->generation_kernels = profile.stop();
      if (!ok) return false;
    }
  }
  measurement->prompt = summarize(prompt_rates);
  measurement->generation = summarize(generation_rates);
  for (const auto& tensor : engine.file().tensors()) measurement->weight_bytes += tensor.size_bytes;
  measurement->bandwidth = settings.skip_bandwidth ? 0.0 : measure_read_bandwidth(settings.threads);
  // Decode reads every weight once per token (the tied embedding only through the output head).
  measurement->decode_gb_s =
      measurement->generation.median * static_cast<double>(measurement->weight_bytes) / 1e9;
  auto device = engine.device().info();
  measurement->device_name = device.ok() ? device->name : engine.device().label();
  return true;
}

nlohmann::json kernels_json(const std::vector<runtime::KernelTime>& kernels) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& kernel : kernels) {
    list.push_back({{"kernel", kernel.kernel}, {"calls", kernel.calls}, {"seconds", kernel.seconds}});
  }
  return list;
}

// Kernels by time in one profiled run; `tokens` turns totals into time per token.
void print_kernels(const char* phase, const std::vector<runtime::KernelTime>& kernels, int tokens) {
  double total = 0;
  for (const auto& kernel : kernels) total += kernel.seconds;
  if (total <= 0) return;
  fmt::print("\n{} run, per kernel ({:.3f} ms of kernels per token):\n", phase, total * 1e3 / tokens);
  fmt::print("| kernel | calls | ms | share | us per call |\n|---|---:|---:|---:|---:|\n");
  for (const auto& kernel : kernels) {
    fmt::print("| {} | {} | {:.3f} | {:.1f}% | {:.2f} |\n", kernel.kernel, kernel.calls, kernel.seconds * 1e3,
               100.0 * kernel.seconds / total, kernel.seconds * 1e6 / static_cast<double>(kernel.calls));
  }
}

nlohmann::json report_json(const BenchSettings& settings, const Measurement& measurement) {
  auto spread = [](const Summary& summary) {
    return nlohmann::json{{"min", summary.minimum},
                          {"max", summary.maximum},
                          {"stddev", summary.stddev},
                          {"samples", summary.samples}};
  };
  const double bandwidth = measurement.bandwidth;
  return {
      {"model", settings.model},
      {"device", measurement.device_name},
      {"threads", settings.threads},
      {"repetitions", settings.repetitions},
      {"n_prompt", settings.prompt_tokens},
      {"n_gen", settings.generated_tokens},
      {"weight_bytes", measurement.weight_bytes},
      {"pp_tok_s", measurement.prompt.median},
      {"pp_spread", spread(measurement.prompt)},
      {"tg_tok_s", measurement.generation.median},
      {"tg_spread", spread(measurement.generation)},
      {"read_bandwidth_gb_s", bandwidth},
      {"tg_weight_read_gb_s", measurement.decode_gb_s},
      {"tg_bandwidth_fraction", bandwidth > 0 ? measurement.decode_gb_s / bandwidth : 0.0},
      {"pp_kernels", kernels_json(measurement.prompt_kernels)},
      {"tg_kernels", kernels_json(measurement.generation_kernels)},
  };
}

void print_report(const BenchSettings& settings, const Measurement& measurement) {
  const Summary& prompt = measurement.prompt;
  const Summary& generation = measurement.generation;
  fmt::print("model: {} ({:.1f} MiB of weights)\ndevice: {}, threads: {}, repetitions: {}\n", settings.model,
             static_cast<double>(measurement.weight_bytes) / (1 << 20), measurement.device_name,
             settings.threads, settings.repetitions);
  fmt::print("| test   | tokens/s (median) | min .. max        | stddev |\n");
  fmt::print("|--------|-------------------|-------------------|--------|\n");
  if (settings.prompt_tokens > 0) {
    fmt::print("| pp{:<4} | {:17.2f} | {:7.2f} .. {:7.2f} | {:6.2f} |\n", settings.prompt_tokens,
               prompt.median, prompt.minimum, prompt.maximum, prompt.stddev);
  }
  if (settings.generated_tokens > 0) {
    fmt::print("| tg{:<4} | {:17.2f} | {:7.2f} .. {:7.2f} | {:6.2f} |\n", settings.generated_tokens,
               generation.median, generation.minimum, generation.maximum, generation.stddev);
  }
  if (measurement.bandwidth > 0) {
    fmt::print("read bandwidth: {:.1f} GB/s; decode reads weights at {:.1f} GB/s ({:.0f}% of it)\n",
               measurement.bandwidth, measurement.decode_gb_s,
               100.0 * measurement.decode_gb_s / measurement.bandwidth);
  }
  print_kernels("pp", measurement.prompt_kernels, settings.prompt_tokens);
  // The tg run also prefills its 1-token prompt: generated_tokens + 1 steps.
  print_kernels("tg", measurement.generation_kernels, settings.generated_tokens + 1);
}

// Medians per thread count, and each as a multiple of the first count's.
void print_scaling(const std::vector<int>& counts, const std::vector<Measurement>& measurements) {
  fmt::print("\n| threads | pp tok/s | pp scaling | tg tok/s | tg scaling |\n");
  fmt::print("|---------|----------|------------|----------|------------|\n");
  const Measurement& first = measurements.front();
  auto ratio = [](double value, double base) { return base > 0 ? value / base : 0.0; };
  for (std::size_t index = 0; index < counts.size(); ++index) {
    const Measurement& measurement = measurements[index];
    fmt::print("| {:7} | {:8.2f} | {:9.2f}x | {:8.2f} | {:9.2f}x |\n", counts[index],
               measurement.prompt.median, ratio(measurement.prompt.median, first.prompt.median),
               measurement.generation.median, ratio(measurement.generation.median, first.generation.median));
  }
}

int run_bench(const BenchSettings& settings) {
  const std::vector<int> counts =
      settings.thread_counts.empty() ? std::vector<int>{settings.threads} : settings.thread_counts;
  std::vector<Measurement> measurements;
  nlohmann::json reports = nlohmann::json::array();
  for (int count : counts) {
    BenchSettings one = settings;
    one.threads = count;
    Measurement measurement;
    if (!measure(one, &measurement)) return 1;
    if (settings.json) {
      reports.push_back(report_json(one, measurement));
    } else {
      if (!measurements.empty()) fmt::print("\n");
      print_report(one, measurement);
    }
    measurements.push_back(measurement);
  }
  if (settings.json) {
    fmt::print("{}\n", (counts.size() == 1 ? reports.front() : reports).dump(2));
  } else if (counts.size() > 1) {
    print_scaling(counts, measurements);
  }
  return 0;
}

}  // namespace

CommandRunner add_bench_command(CLI::App& root) {
  auto settings = std::make_shared<BenchSettings>();
  auto* command =
      root.add_subcommand("bench", "Measure prompt processing and generation speed (llama-bench style)");
  command->add_option("-m,--model", settings->model, "GGUF model file")->required();
  command->add_option("-p,--n-prompt", settings->prompt_tokens, "Prompt tokens per pp run (0 skips)")
      ->check(CLI::Range(0, 65536));
  command->add_option("-n,--n-gen", settings->generated_tokens, "Tokens per tg run (0 skips)")
      ->check(CLI::Range(0, 65536));
  command->add_option("-t,--threads", settings->threads, "CPU threads")->check(CLI::Range(1, 1024));
  command
      ->add_option("--threads-list", settings->thread_counts,
                   "Thread counts to compare, e.g. 1,2 (replaces -t)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  command->add_option("-r,--repetitions", settings->repetitions, "Repetitions of each test")
      ->check(CLI::Range(1, 1000));
  command->add_flag("--json", settings->json, "Print one JSON object");
  command->add_flag("--no-bandwidth", settings->skip_bandwidth, "Skip the memory bandwidth probe");
  command->add_flag("--profile", settings->profile, "Then one more pp and tg run, timed per kernel");
  return [settings] { return run_bench(*settings); };
}

}  // namespace tessera::cli
