// jemalloc's options for the programs linked with it (vitrine_use_allocator in
// CMakeLists.txt; jemalloc reads this variable when it starts, and the
// MALLOC_CONF environment variable after it, which can override any of them).
//
// thp:always backs jemalloc's memory with transparent huge pages (it asks with
// madvise(MADV_HUGEPAGE), so it works where the kernel's setting is
// `madvise`, Debian's default). A search reads columns, posting lists and
// match sets of the whole catalog at random: at 1M products the facet
// columns alone span 2,000 pages of 4 KiB, and a request missed in the TLB
// for most of them. With 2 MiB pages the storefront workload at 1M ran 8%
// faster (bench/ab.sh, 4 runs each: 583 against 538 req/s), the reindex took as long
// (70.0 against 69.0 s) with a lower peak (498 against 542 MB).
// metadata_thp:always does the same for jemalloc's own tables.

extern "C" {
// NOLINTNEXTLINE: the name and type jemalloc looks for.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
