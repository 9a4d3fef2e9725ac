# tensor/cpu/gemm_sources.cmake - the source files of timbre's GEMM and their per-file flags.
# Included from tensor/CMakeLists.txt. Sets TIMBRE_GEMM_SOURCES (paths relative to tensor/).
#
# The library as a whole is compiled for the baseline of the target architecture (never
# -march=native: the binary must run on every student's laptop). Only the micro-kernel files get
# -mavx512f / -mavx2; gemm.cpp checks the CPU at run time before it calls one of them.
#
# On other CPUs (e.g. ARM laptops) the kernel files compile to nothing (their code is inside
# #if TIMBRE_GEMM_X86_KERNELS, see gemm_kernels.h) and gemm.cpp uses its portable kernel.

set(TIMBRE_GEMM_SOURCES
  cpu/gemm.cpp
  cpu/gemm_kernel_avx512.cpp
  cpu/gemm_kernel_avx2.cpp)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$"
   AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/gemm_kernel_avx512.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx512vl;-mavx512dq;-mfma")
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/gemm_kernel_avx2.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
endif()
