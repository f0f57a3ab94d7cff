// PIX_VECTOR_CLONES: compiles a hot loop twice, for AVX2 and for the x86-64
// baseline, and picks one at load time (GCC target_clones, an ifunc), so the
// binary stays portable and still uses 256-bit integer SIMD where the CPU has
// it. Only for integer loops: floating-point code would not be bit-identical
// across the clones if the compiler contracted to FMA.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define PIX_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PIX_VECTOR_CLONES
#endif
