// `tessera bench`: llama-bench style prompt processing (pp) and generation (tg) runs with random
// tokens, repeated; reports medians and spread, plus decode as a fraction of measured read bandwidth.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "runtime/kernel_profile.h"
#include "tools/command.h"
#include "tools/read_bandwidth.h"

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

// Passes of the read bandwidth probe after each decode run (two of each kind, see ReadBandwidthProbe),
// and of the one probe of a run without decode.
constexpr int kProbePasses = 6;
constexpr int kLoneProbePasses = 9;

struct Measurement {
  Summary prompt, generation;
  std::uint64_t weight_bytes = 0;
  // Read bandwidth in GB/s, one probe right after each decode run; decode's weight reads as a fraction of
  // the probe beside it; the median decode rate in GB/s of weights.
  Summary bandwidth, bandwidth_fraction;
  double decode_gb_s = 0;
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
  // Decode reads every weight once per token (the tied embedding only through the output head).
  for (const auto& tensor : engine.file().tensors()) measurement->weight_bytes += tensor.size_bytes;
  const double weight_gb = static_cast<double>(measurement->weight_bytes) / 1e9;
  std::optional<ReadBandwidthProbe> probe;
  if (!settings.skip_bandwidth) probe.emplace(settings.threads);
  std::vector<double> prompt_rates, generation_rates, bandwidths, fractions;
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
      if (repetition >= 0) {
        generation_rates.push_back(*rate);
        if (probe) {
          bandwidths.push_back(probe->measure(kProbePasses));
          if (bandwidths.back() > 0) fractions.push_back(*rate * weight_gb / bandwidths.back());
        }
      }
    }
  }
  if (probe && settings.generated_tokens == 0) bandwidths.push_back(probe->measure(kLoneProbePasses));
  probe.reset();  // its memory is not needed by the profiled runs
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
  measurement->bandwidth = summarize(bandwidths);
  measurement->bandwidth_fraction = summarize(fractions);
  measurement->decode_gb_s = measurement->generation.median * weight_gb;
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
      {"read_bandwidth_gb_s", measurement.bandwidth.median},
      {"read_bandwidth_spread", spread(measurement.bandwidth)},
      {"tg_weight_read_gb_s", measurement.decode_gb_s},
      {"tg_bandwidth_fraction", measurement.bandwidth_fraction.median},
      {"tg_bandwidth_fraction_spread", spread(measurement.bandwidth_fraction)},
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
  const Summary& bandwidth = measurement.bandwidth;
  const Summary& fraction = measurement.bandwidth_fraction;
  if (bandwidth.median > 0) {
    fmt::print("read bandwidth: {:.1f} GB/s (median of {} probe{}: {:.1f} .. {:.1f})\n", bandwidth.median,
               bandwidth.samples.size(), bandwidth.samples.size() == 1 ? "" : "s", bandwidth.minimum,
               bandwidth.maximum);
  }
  if (fraction.median > 0) {
    fmt::print(
        "decode reads weights at {:.1f} GB/s; against the probe right after each tg run: {:.0f}% "
        "(median; {:.0f} .. {:.0f}%)\n",
        measurement.decode_gb_s, 100.0 * fraction.median, 100.0 * fraction.minimum, 100.0 * fraction.maximum);
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
