// bench/bench_main.h - what every benchmark program shares: the thread count (the same on the
// timbre and the libtorch side, or the comparison means nothing), registration, and main's tail.
//
//   int main(int argc, char** argv) {
//     parse_threads_flag(&argc, argv);           // --threads=N or TIMBRE_BENCH_THREADS, default 2
//     add_benchmark("timbre/gemm_1024", bench_timbre, shape);
//     return run_benchmarks(argc, argv);
//   }
#pragma once

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>

// Threads for both sides: benchmarks call omp_set_num_threads(g_threads) before timbre code and
// torch::set_num_threads(g_threads) before libtorch code.
inline int g_threads = 2;

// Reads TIMBRE_BENCH_THREADS, then removes --threads=N from argv (Google Benchmark rejects flags
// it does not know). Ensures g_threads >= 1.
inline void parse_threads_flag(int* argc, char** argv) {
  if (const char* env = std::getenv("TIMBRE_BENCH_THREADS")) g_threads = std::atoi(env);
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      g_threads = std::atoi(argv[i] + 10);
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  if (g_threads < 1) g_threads = 1;
}

// Registers one case, timed in wall-clock milliseconds (real time: the work is multi-threaded).
template <typename Function, typename... Args>
void add_benchmark(const std::string& name, Function function, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), function, args...)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

// Runs the registered cases; the report's header says the thread count and whether libtorch
// was compiled in.
inline int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("threads", std::to_string(g_threads));
#ifndef TIMBRE_BENCH_WITH_TORCH
  benchmark::AddCustomContext("torch", "not built (libtorch not found)");
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
