#include "hash/hamming_index.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cmath>
#include <numeric>
#include <thread>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace pix {
namespace {

constexpr int kSubstringBits = HammingIndex::kSubstringBits;

// Hot loops are compiled for three instruction sets and picked at run time:
// the x86-64 baseline that Debian builds for has no popcount instruction
// (std::popcount is then a dozen instructions), and AVX-512 VPOPCNTQ compares
// eight hashes per instruction. Each variant is a flattened copy of one
// template, so the kernel inlines into the loops around it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PIX_HAMMING_X86 1
#define PIX_TARGET_POPCNT [[gnu::target("popcnt"), gnu::flatten]]
#define PIX_TARGET_AVX512 [[gnu::target("popcnt,avx512f,avx512vpopcntdq"), gnu::flatten]]
#define PIX_KERNEL_AVX512 [[gnu::target("popcnt,avx512f,avx512vpopcntdq")]]
#endif

uint32_t BucketsOf(int key_bits) { return 1u << key_bits; }

// The key of a permuted hash in a table: the first key_bits of its substring.
uint64_t KeyOf(uint64_t permuted, int table, int key_bits) {
  return (permuted >> (table * kSubstringBits)) & (BucketsOf(key_bits) - 1);
}

// The non-zero masks of `bits` bits sorted by popcount; the masks with 1..r
// bits set are a prefix of it.
struct MaskTable {
  std::vector<uint32_t> masks;
  std::array<uint32_t, kSubstringBits + 1> count_up_to{};  // masks with popcount <= r
  explicit MaskTable(int bits) {
    for (uint32_t m = 1; m < BucketsOf(bits); ++m) masks.push_back(m);
    std::stable_sort(masks.begin(), masks.end(),
                     [](uint32_t a, uint32_t b) { return std::popcount(a) < std::popcount(b); });
    for (uint32_t m : masks) ++count_up_to[std::popcount(m)];
    std::partial_sum(count_up_to.begin(), count_up_to.end(), count_up_to.begin());
  }
};

// Masks within `radius` of a key of `key_bits` bits. The tables for every
// key width are built once (thread-safe static initialisation, 256 KiB).
std::span<const uint32_t> NeighbourMasks(int key_bits, int radius) {
  static const std::vector<MaskTable> tables = [] {
    std::vector<MaskTable> all;
    for (int bits = 0; bits <= kSubstringBits; ++bits) all.emplace_back(bits);
    return all;
  }();
  const MaskTable& table = tables[static_cast<size_t>(key_bits)];
  radius = std::min(radius, key_bits);
  return {table.masks.data(), table.count_up_to[static_cast<size_t>(radius)]};
}

uint64_t Binomial(int n, int k) {
  uint64_t r = 1;
  for (int i = 1; i <= k; ++i) r = r * static_cast<uint64_t>(n - k + i) / static_cast<uint64_t>(i);
  return r;
}

// Whether a table before `table` in the plan would already find a pair whose
// permuted hashes differ in `diff`: then that table reports it, not this one.
bool FoundEarlier(const HammingIndex::Plan& plan, int table, uint64_t diff) {
  for (int t = 0; t < table; ++t) {
    if (std::popcount(KeyOf(diff, t, plan.key_bits)) <= plan.radius[t]) return true;
  }
  return false;
}

// Kernels compare a block of rows `a` with a block of columns `b` and call
// hit(i, k) for every pair with popcount(a[i] ^ b[k]) <= radius.
struct ScalarKernel {
  template <typename Hit>
  static void Block(const uint64_t* a, uint32_t na, const uint64_t* b, uint32_t nb, int radius,
                    const Hit& hit) {
    for (uint32_t i = 0; i < na; ++i) {
      for (uint32_t k = 0; k < nb; ++k) {
        if (std::popcount(a[i] ^ b[k]) <= radius) hit(i, k);
      }
    }
  }
};

#ifdef PIX_HAMMING_X86
// Four rows per pass over the columns: each column vector is loaded once for
// 32 comparisons, and one test of the OR of the masks skips the common case.
// The rows are four named registers, not an array: with an array g++ keeps
// rows and masks on the stack and the loop runs at half speed.
struct Avx512Kernel {
  PIX_KERNEL_AVX512 static __mmask8 Near(__m512i x, __m512i v, __m512i radius, __mmask8 lanes) {
    return _mm512_mask_cmple_epu64_mask(lanes, _mm512_popcnt_epi64(_mm512_xor_si512(x, v)), radius);
  }

  template <typename Hit>
  PIX_KERNEL_AVX512 static void Block(const uint64_t* a, uint32_t na, const uint64_t* b,
                                      uint32_t nb, int radius, const Hit& hit) {
    const __m512i vr = _mm512_set1_epi64(radius);
    for (uint32_t i = 0; i < na; i += 4) {
      const uint32_t rows = std::min(4u, na - i);
      // Short groups repeat their last row; its hits are reported once.
      const auto row = [&](uint32_t r) {
        return static_cast<long long>(a[i + std::min(r, rows - 1)]);
      };
      const __m512i x0 = _mm512_set1_epi64(row(0)), x1 = _mm512_set1_epi64(row(1));
      const __m512i x2 = _mm512_set1_epi64(row(2)), x3 = _mm512_set1_epi64(row(3));
      for (uint32_t k = 0; k < nb; k += 8) {
        const __mmask8 lanes = nb - k >= 8 ? 0xFF : static_cast<__mmask8>((1u << (nb - k)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi64(lanes, b + k);
        const __mmask8 m0 = Near(x0, v, vr, lanes), m1 = Near(x1, v, vr, lanes);
        const __mmask8 m2 = Near(x2, v, vr, lanes), m3 = Near(x3, v, vr, lanes);
        if ((m0 | m1 | m2 | m3) == 0) continue;
        const __mmask8 m[4] = {m0, m1, m2, m3};
        for (uint32_t r = 0; r < rows; ++r) {
          for (unsigned bits = m[r]; bits; bits &= bits - 1) {
            hit(i + r, k + static_cast<uint32_t>(std::countr_zero(bits)));
          }
        }
      }
    }
  }
};
#endif

struct JoinArgs {
  const HammingIndex::Plan* plan;
  int table;
  int radius;
  const uint32_t* offsets;
  const uint64_t* hashes;
  const uint32_t* ids;
  std::span<const uint32_t> masks;
};

// Kept out of line: hits are rare, and the hot loops stay small.
[[gnu::noinline]] void EmitJoined(const JoinArgs& j, uint32_t i, uint32_t k,
                                  std::vector<HammingPair>* out) {
  const uint64_t diff = j.hashes[i] ^ j.hashes[k];
  if (FoundEarlier(*j.plan, j.table, diff)) return;
  const uint32_t a = j.ids[i], b = j.ids[k];
  out->push_back({std::min(a, b), std::max(a, b), static_cast<uint32_t>(std::popcount(diff))});
}

template <typename Kernel>
void KeysWith(const JoinArgs& j, uint32_t key_begin, uint32_t key_end,
              std::vector<HammingPair>* out) {
  for (uint32_t key = key_begin; key < key_end; ++key) {
    const uint32_t begin = j.offsets[key], end = j.offsets[key + 1];
    if (begin == end) continue;
    const uint64_t* a = j.hashes + begin;
    // Pairs inside the bucket: the full square, keeping i < k, is cheaper
    // than a triangle for buckets of a few dozen.
    Kernel::Block(a, end - begin, a, end - begin, j.radius, [&](uint32_t i, uint32_t k) {
      if (i < k) EmitJoined(j, begin + i, begin + k, out);
    });
    for (uint32_t mask : j.masks) {
      const uint32_t other = key ^ mask;
      if (other < key) continue;  // that pair of buckets is visited from `other`
      const uint32_t obegin = j.offsets[other], oend = j.offsets[other + 1];
      if (obegin == oend) continue;
      Kernel::Block(a, end - begin, j.hashes + obegin, oend - obegin, j.radius,
                    [&](uint32_t i, uint32_t k) { EmitJoined(j, begin + i, obegin + k, out); });
    }
  }
}

// Rows [row_begin, row_end) of the all-pairs triangle over hashes `h`, whose
// ids are `ids`.
template <typename Kernel>
void ScanRowsWith(const uint64_t* h, const uint32_t* ids, uint32_t n, uint32_t row_begin,
                  uint32_t row_end, int radius, std::vector<HammingPair>* out) {
  for (uint32_t a = row_begin; a < row_end; ++a) {
    Kernel::Block(h + a, 1, h + a + 1, n - a - 1, radius, [&](uint32_t, uint32_t k) {
      const uint32_t b = a + 1 + k;
      out->push_back({std::min(ids[a], ids[b]), std::max(ids[a], ids[b]),
                      static_cast<uint32_t>(std::popcount(h[a] ^ h[b]))});
    });
  }
}

// A join of a second set of hashes (the queries, bucketed by the same key of
// the same permutation) against one table of the index. With `scan`, every
// query "bucket" (a run of rows) meets the whole index instead.
struct CrossArgs {
  const HammingIndex::Plan* plan;
  int table;
  int radius;
  bool scan;
  const uint32_t* q_offsets;
  const uint64_t* q_hashes;
  const uint32_t* q_ids;
  const uint32_t* offsets;
  const uint64_t* hashes;
  const uint32_t* ids;
  uint32_t n;
  std::span<const uint32_t> masks;
};

template <typename Kernel>
void KeysWith(const CrossArgs& j, uint32_t key_begin, uint32_t key_end,
              std::vector<HammingPair>* out) {
  for (uint32_t key = key_begin; key < key_end; ++key) {
    const uint32_t begin = j.q_offsets[key], end = j.q_offsets[key + 1];
    if (begin == end) continue;
    const auto with = [&](uint32_t other) {
      const uint32_t obegin = j.scan ? 0 : j.offsets[other];
      const uint32_t oend = j.scan ? j.n : j.offsets[other + 1];
      Kernel::Block(j.q_hashes + begin, end - begin, j.hashes + obegin, oend - obegin, j.radius,
                    [&](uint32_t i, uint32_t k) {
                      const uint64_t diff = j.q_hashes[begin + i] ^ j.hashes[obegin + k];
                      if (FoundEarlier(*j.plan, j.table, diff)) return;
                      out->push_back({j.q_ids[begin + i], j.ids[obegin + k],
                                      static_cast<uint32_t>(std::popcount(diff))});
                    });
    };
    with(key);
    for (uint32_t mask : j.masks) with(key ^ mask);
  }
}

#ifdef PIX_HAMMING_X86
// Args is JoinArgs (a self-join) or CrossArgs (a join of two sets).
template <typename Args>
PIX_TARGET_AVX512 void KeysAvx512(const Args& j, uint32_t b, uint32_t e,
                                  std::vector<HammingPair>* out) {
  KeysWith<Avx512Kernel>(j, b, e, out);
}
template <typename Args>
PIX_TARGET_POPCNT void KeysPopcnt(const Args& j, uint32_t b, uint32_t e,
                                  std::vector<HammingPair>* out) {
  KeysWith<ScalarKernel>(j, b, e, out);
}
PIX_TARGET_AVX512 void ScanRowsAvx512(const uint64_t* h, const uint32_t* ids, uint32_t n,
                                      uint32_t b, uint32_t e, int radius,
                                      std::vector<HammingPair>* out) {
  ScanRowsWith<Avx512Kernel>(h, ids, n, b, e, radius, out);
}
PIX_TARGET_POPCNT void ScanRowsPopcnt(const uint64_t* h, const uint32_t* ids, uint32_t n,
                                      uint32_t b, uint32_t e, int radius,
                                      std::vector<HammingPair>* out) {
  ScanRowsWith<ScalarKernel>(h, ids, n, b, e, radius, out);
}
#endif

// One query against the tables of an index: the probed buckets, or every
// hash when the plan says a scan is cheaper.
struct QueryArgs {
  HammingIndex::Plan plan;
  uint64_t permuted;  // the query, permuted like the indexed hashes
  int radius;
  uint32_t n;
  struct Table {
    const uint32_t* offsets;
    const uint64_t* hashes;
    const uint32_t* ids;
  };
  std::array<Table, HammingIndex::kTables> tables;
};

// A query is one row against a bucket of a dozen hashes: the scalar kernel,
// compiled with the popcount instruction, beats the AVX-512 one there.
template <typename Kernel>
void QueryWith(const QueryArgs& j, std::vector<HammingMatch>* out) {
  const uint64_t q = j.permuted;
  const auto compare = [&](int t, uint32_t begin, uint32_t end, bool check_earlier) {
    const QueryArgs::Table& tb = j.tables[t];
    Kernel::Block(&q, 1, tb.hashes + begin, end - begin, j.radius, [&](uint32_t, uint32_t k) {
      const uint64_t diff = q ^ tb.hashes[begin + k];
      if (check_earlier && FoundEarlier(j.plan, t, diff)) return;
      out->push_back({tb.ids[begin + k], static_cast<uint32_t>(std::popcount(diff))});
    });
  };
  if (j.plan.tables == 0) return compare(0, 0, j.n, false);
  for (int t = 0; t < j.plan.tables; ++t) {
    const uint32_t* offsets = j.tables[t].offsets;
    const uint32_t key = static_cast<uint32_t>(KeyOf(q, t, j.plan.key_bits));
    compare(t, offsets[key], offsets[key + 1], true);
    for (uint32_t mask : NeighbourMasks(j.plan.key_bits, j.plan.radius[t])) {
      compare(t, offsets[key ^ mask], offsets[(key ^ mask) + 1], true);
    }
  }
}

#ifdef PIX_HAMMING_X86
PIX_TARGET_POPCNT void QueryPopcnt(const QueryArgs& j, std::vector<HammingMatch>* out) {
  QueryWith<ScalarKernel>(j, out);
}
#endif

enum class Isa { kBaseline, kPopcnt, kAvx512 };

Isa DetectIsa() {
#ifdef PIX_HAMMING_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq")) {
    return Isa::kAvx512;
  }
  if (__builtin_cpu_supports("popcnt")) return Isa::kPopcnt;
#endif
  return Isa::kBaseline;
}

const Isa kIsa = DetectIsa();

// Joins the buckets [b, e) of a self-join (JoinArgs) or a join (CrossArgs).
template <typename Args>
void JoinKeys(const Args& j, uint32_t b, uint32_t e, std::vector<HammingPair>* out) {
#ifdef PIX_HAMMING_X86
  if (kIsa == Isa::kAvx512) return KeysAvx512(j, b, e, out);
  if (kIsa == Isa::kPopcnt) return KeysPopcnt(j, b, e, out);
#endif
  KeysWith<ScalarKernel>(j, b, e, out);
}

void ScanRows(const uint64_t* h, const uint32_t* ids, uint32_t n, uint32_t b, uint32_t e,
              int radius, std::vector<HammingPair>* out) {
#ifdef PIX_HAMMING_X86
  if (kIsa == Isa::kAvx512) return ScanRowsAvx512(h, ids, n, b, e, radius, out);
  if (kIsa == Isa::kPopcnt) return ScanRowsPopcnt(h, ids, n, b, e, radius, out);
#endif
  ScanRowsWith<ScalarKernel>(h, ids, n, b, e, radius, out);
}

void QueryIndex(const QueryArgs& j, std::vector<HammingMatch>* out) {
#ifdef PIX_HAMMING_X86
  if (kIsa != Isa::kBaseline) return QueryPopcnt(j, out);
#endif
  QueryWith<ScalarKernel>(j, out);
}

// Appends `from` to `to`, moving when `to` is empty: at a million hashes a
// copy of the first table's pairs is what set the peak of a self-join.
void Append(std::vector<HammingPair>&& from, std::vector<HammingPair>* to) {
  if (to->empty()) {
    *to = std::move(from);
  } else {
    to->insert(to->end(), from.begin(), from.end());
    from = {};
  }
}

// Runs work(begin, end, out) over [0, total) in chunks on `threads` threads
// and concatenates what they found.
template <typename Work>
std::vector<HammingPair> InParallel(uint32_t total, uint32_t chunk, int threads, const Work& work) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>((total + chunk - 1) / chunk)));
  std::vector<std::vector<HammingPair>> found(static_cast<size_t>(threads));
  std::atomic<uint32_t> next{0};
  const auto run = [&](size_t slot) {
    for (;;) {
      const uint32_t begin = next.fetch_add(chunk);
      if (begin >= total) return;
      work(begin, std::min(total, begin + chunk), &found[slot]);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(run, static_cast<size_t>(t));
  run(0);
  for (auto& th : pool) th.join();
  std::vector<HammingPair> all = std::move(found[0]);
  for (size_t t = 1; t < found.size(); ++t) Append(std::move(found[t]), &all);
  return all;
}

}  // namespace

int HammingIndex::KeyBitsFor(size_t n) {
  constexpr double kPerBucket = 16;
  const double bits = std::round(std::log2(std::max(1.0, static_cast<double>(n) / kPerBucket)));
  return std::clamp(static_cast<int>(bits), 1, kSubstringBits);
}

HammingIndex::Plan HammingIndex::PlanFor(int radius, int key_bits) {
  assert(radius >= 0 && radius <= kMaxRadius);
  assert(key_bits >= 1 && key_bits <= kSubstringBits);
  Plan plan;
  plan.key_bits = key_bits;
  if (radius < kTables) {
    // r + 1 tables probed at radius 0 satisfy sum (r_t + 1) >= r + 1.
    plan.tables = radius + 1;
    return plan;
  }
  // All tables; sum (r_t + 1) = r + 1 with the radii as equal as possible.
  plan.tables = kTables;
  const int extra = radius + 1 - kTables;
  uint64_t probes = 0;
  for (int t = 0; t < kTables; ++t) {
    plan.radius[t] = extra / kTables + (t < extra % kTables ? 1 : 0);
    for (int k = 0; k <= plan.radius[t]; ++k) probes += Binomial(key_bits, k);
  }
  // Each probe compares a bucket with about n / 2^key_bits others; past an
  // eighth of the buckets per key, bookkeeping makes a plain scan the faster
  // choice.
  if (probes * 8 > BucketsOf(key_bits)) plan.tables = 0;
  return plan;
}

HammingIndex::HammingIndex(std::span<const uint64_t> hashes, int key_bits)
    : n_(hashes.size()), key_bits_(key_bits ? key_bits : KeyBitsFor(hashes.size())) {
  assert(hashes.size() < (uint64_t{1} << 32));
  assert(key_bits_ >= 1 && key_bits_ <= kSubstringBits);
  // Rank bits by entropy and deal them to the tables in snake order.
  std::array<uint64_t, 64> ones{};
  for (uint64_t h : hashes) {
    for (int b = 0; b < 64; ++b) ones[b] += (h >> b) & 1;
  }
  std::array<double, 64> entropy{};
  for (int b = 0; b < 64; ++b) {
    const double p = n_ ? static_cast<double>(ones[b]) / static_cast<double>(n_) : 0.5;
    entropy[b] = (p <= 0 || p >= 1) ? 0 : -(p * std::log2(p) + (1 - p) * std::log2(1 - p));
  }
  std::array<int, 64> order;
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return entropy[a] > entropy[b]; });
  std::array<int, 64> target{};  // source bit -> permuted bit
  std::array<int, kTables> filled{};
  for (int rank = 0; rank < 64; ++rank) {
    const int round = rank / kTables, pos = rank % kTables;
    const int table = (round % 2 == 0) ? pos : kTables - 1 - pos;
    target[order[rank]] = table * kSubstringBits + filled[table]++;
  }
  for (int byte = 0; byte < 8; ++byte) {
    for (int v = 0; v < 256; ++v) {
      uint64_t out = 0;
      for (int bit = 0; bit < 8; ++bit) {
        if (v >> bit & 1) out |= uint64_t{1} << target[byte * 8 + bit];
      }
      permute_[byte][v] = out;
    }
  }

  std::vector<uint64_t> permuted(n_);
  for (size_t i = 0; i < n_; ++i) permuted[i] = Permute(hashes[i]);

  for (int t = 0; t < kTables; ++t) tables_[t] = SortedByKey(permuted, t, key_bits_);
}

// Counting sort of the ids by one table's key.
HammingIndex::Table HammingIndex::SortedByKey(std::span<const uint64_t> permuted, int t,
                                              int key_bits) {
  Table table;
  const uint32_t n = static_cast<uint32_t>(permuted.size());
  table.offsets.assign(BucketsOf(key_bits) + 1, 0);
  for (uint64_t p : permuted) ++table.offsets[KeyOf(p, t, key_bits) + 1];
  std::partial_sum(table.offsets.begin(), table.offsets.end(), table.offsets.begin());
  table.hashes.resize(n);
  table.ids.resize(n);
  std::vector<uint32_t> cursor(table.offsets.begin(), table.offsets.end() - 1);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t slot = cursor[KeyOf(permuted[i], t, key_bits)]++;
    table.hashes[slot] = permuted[i];
    table.ids[slot] = i;
  }
  return table;
}

uint64_t HammingIndex::Permute(uint64_t hash) const {
  uint64_t out = 0;
  for (int byte = 0; byte < 8; ++byte) out |= permute_[byte][(hash >> (8 * byte)) & 0xff];
  return out;
}

void HammingIndex::JoinTable(const Plan& plan, int table, int radius, int threads,
                             std::vector<HammingPair>* out) const {
  const Table& tb = tables_[table];
  const std::span<const uint32_t> masks = NeighbourMasks(plan.key_bits, plan.radius[table]);
  const JoinArgs args{&plan,         table, radius, tb.offsets.data(), tb.hashes.data(),
                      tb.ids.data(), masks};
  const uint32_t buckets = BucketsOf(plan.key_bits);
  auto found = InParallel(buckets, std::max(1u, buckets / 256), threads,
                          [&](uint32_t begin, uint32_t end, std::vector<HammingPair>* found_out) {
                            JoinKeys(args, begin, end, found_out);
                          });
  Append(std::move(found), out);
}

std::vector<HammingPair> HammingIndex::SelfJoin(int radius, int threads) const {
  const Plan plan = PlanFor(radius, key_bits_);
  if (plan.tables == 0) {
    // Rows near the top cost more than rows near the end; small chunks balance.
    // Any table holds every hash once; its order is as good as any.
    const Table& tb = tables_[0];
    return InParallel(static_cast<uint32_t>(n_), 64, threads,
                      [&](uint32_t begin, uint32_t end, std::vector<HammingPair>* out) {
                        ScanRows(tb.hashes.data(), tb.ids.data(), static_cast<uint32_t>(n_), begin,
                                 end, radius, out);
                      });
  }
  std::vector<HammingPair> pairs;
  for (int t = 0; t < plan.tables; ++t) JoinTable(plan, t, radius, threads, &pairs);
  return pairs;
}

std::vector<HammingPair> HammingIndex::Join(std::span<const uint64_t> queries, int radius,
                                            int threads) const {
  assert(queries.size() < (uint64_t{1} << 32));
  const Plan plan = PlanFor(radius, key_bits_);
  std::vector<uint64_t> permuted(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) permuted[i] = Permute(queries[i]);
  const uint32_t nq = static_cast<uint32_t>(permuted.size());
  std::vector<HammingPair> pairs;
  if (plan.tables == 0) {
    // Runs of 64 query rows, each against every indexed hash.
    std::vector<uint32_t> rows, ids(nq);
    for (uint32_t r = 0; r < nq; r += 64) rows.push_back(r);
    rows.push_back(nq);
    std::iota(ids.begin(), ids.end(), 0u);
    const Table& tb = tables_[0];
    const CrossArgs args{&plan,      0,         radius,         true, rows.data(), permuted.data(),
                         ids.data(), nullptr,   tb.hashes.data(), tb.ids.data(),
                         static_cast<uint32_t>(n_), {}};
    return InParallel(static_cast<uint32_t>(rows.size() - 1), 4, threads,
                      [&](uint32_t begin, uint32_t end, std::vector<HammingPair>* out) {
                        JoinKeys(args, begin, end, out);
                      });
  }
  for (int t = 0; t < plan.tables; ++t) {
    const Table q = SortedByKey(permuted, t, key_bits_);
    const Table& tb = tables_[t];
    const CrossArgs args{&plan,
                         t,
                         radius,
                         false,
                         q.offsets.data(),
                         q.hashes.data(),
                         q.ids.data(),
                         tb.offsets.data(),
                         tb.hashes.data(),
                         tb.ids.data(),
                         static_cast<uint32_t>(n_),
                         NeighbourMasks(plan.key_bits, plan.radius[t])};
    const uint32_t buckets = BucketsOf(plan.key_bits);
    auto found = InParallel(buckets, std::max(1u, buckets / 256), threads,
                            [&](uint32_t begin, uint32_t end, std::vector<HammingPair>* out) {
                              JoinKeys(args, begin, end, out);
                            });
    Append(std::move(found), &pairs);
  }
  return pairs;
}

void HammingIndex::Query(uint64_t query, int radius, std::vector<HammingMatch>* out) const {
  QueryArgs args{PlanFor(radius, key_bits_), Permute(query), radius, static_cast<uint32_t>(n_), {}};
  for (int t = 0; t < kTables; ++t) {
    args.tables[t] = {tables_[t].offsets.data(), tables_[t].hashes.data(), tables_[t].ids.data()};
  }
  QueryIndex(args, out);
}

size_t HammingIndex::MemoryBytes() const {
  size_t bytes = sizeof(permute_);
  for (const Table& t : tables_) {
    bytes += t.offsets.capacity() * 4 + t.hashes.capacity() * 8 + t.ids.capacity() * 4;
  }
  return bytes;
}

}  // namespace pix
