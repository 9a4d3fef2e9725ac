# Decides whether the CUDA backend is built. TIMBRE_CUDA=AUTO turns it on when nvcc is found.
# Sets TIMBRE_CUDA_ENABLED (ON/OFF) for the rest of the build.
set(TIMBRE_CUDA_ENABLED OFF)
if(NOT TIMBRE_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(TIMBRE_CUDA_ENABLED ON)
  elseif(TIMBRE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "TIMBRE_CUDA=ON but no CUDA compiler (nvcc) was found")
  else()
    message(STATUS "timbre: nvcc not found, building the CPU backend only")
  endif()
endif()

if(TIMBRE_CUDA_ENABLED)
  # 'native' fails on machines without a GPU (CI), so the architectures are listed explicitly.
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES "75;80;86;89;90")
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
  find_package(CUDAToolkit REQUIRED)
  message(STATUS "timbre: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
                 "architectures ${CMAKE_CUDA_ARCHITECTURES})")
endif()
