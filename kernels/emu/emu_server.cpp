// emu_server.cpp -- the emulated device: a process that owns "device" memory and runs kernels on request.
// The Java side (EmulatedDevice in native-tests) speaks a small binary protocol over stdin/stdout, all
// little-endian: one request byte, its fields, then a reply (status byte 0, or 1 with a length-prefixed message).
//   1 ALLOC  u64 bytes                  -> u64 address
//   2 FREE   u64 address
//   3 WRITE  u64 address, u64 n, bytes
//   4 READ   u64 address, u64 n         -> bytes
//   5 COPY   u64 src, u64 dst, u64 n
//   6 LAUNCH u16 name length, name, u32 grid x y z, block x y z, u32 arg bytes, args -> status
//   7 QUIT
// Environment: LRML_EMU_BLOCK_ORDER = shuffle (default), reverse or in-order: the order blocks of a launch run in.
// The kernel table (name -> wrapper that unpacks the argument bytes into typed parameters) is generated from
// the kernels' extern "C" signatures by the test build (emu_dispatch.cpp).
#include "cuda_emu.h"

#include <csignal>
#include <setjmp.h>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <vector>

dim3 threadIdx, blockIdx, blockDim, gridDim;

// Block order of every launch (LRML_EMU_BLOCK_ORDER = shuffle, reverse or in-order; read at start-up).
enum BlockOrder { ORDER_SHUFFLE, ORDER_REVERSE, ORDER_IN_ORDER };
static BlockOrder blockOrder = ORDER_SHUFFLE;
static unsigned long long launchCount = 0;

struct KernelEntry {
    void (*run)(const unsigned char*, size_t);
    size_t argBytes;
};
// Provided by the generated emu_dispatch.cpp.
extern const std::map<std::string, KernelEntry>& emu_kernels();

namespace {

const size_t PAGE = 4096;
const size_t STACK_BYTES = 256 * 1024;

struct Allocation {
    unsigned char* base;  // mapping start
    size_t mapped;        // mapping length (data pages + guard page)
};
std::map<uintptr_t, Allocation> allocations;

// One coroutine per thread index, created once and reused by every block of every launch: after running the kernel
// it parks (state 2) and, when resumed, runs the kernel again for the next block. Switches are _setjmp/_longjmp,
// which save no signal mask: swapcontext makes two system calls per switch, which made barrier-heavy kernels
// spend most of their emulated time in the kernel. ucontext is used once per coroutine, to start it on its stack.
struct Thread {
    ucontext_t context;  // only to enter the coroutine the first time
    jmp_buf resume;      // where it continues: inside __syncthreads, or parked after a block
    int state;           // 0 runnable, 1 waiting at a barrier, 2 finished
    bool started;
};
std::vector<Thread> threads;
std::vector<unsigned char*> stacks;
jmp_buf scheduler;
int current = -1;
const KernelEntry* runningKernel = nullptr;
const unsigned char* runningArgs = nullptr;
size_t runningArgLength = 0;
const char* runningName = "";
char failure[512];
bool failed = false;

void writeAll(const void* p, size_t n) {
    const unsigned char* c = static_cast<const unsigned char*>(p);
    while (n > 0) {
        ssize_t w = write(1, c, n);
        if (w <= 0) _exit(10);
        c += w;
        n -= (size_t)w;
    }
}

void readAll(void* p, size_t n) {
    unsigned char* c = static_cast<unsigned char*>(p);
    while (n > 0) {
        ssize_t r = read(0, c, n);
        if (r <= 0) _exit(0);  // the Java side went away
        c += r;
        n -= (size_t)r;
    }
}

template <typename T>
T get() {
    T v;
    readAll(&v, sizeof v);
    return v;
}

void ok() {
    unsigned char s = 0;
    writeAll(&s, 1);
}

void error(const std::string& msg) {
    unsigned char s = 1;
    writeAll(&s, 1);
    uint32_t n = (uint32_t)msg.size();
    writeAll(&n, 4);
    writeAll(msg.data(), n);
}

// An access outside every allocation's pages hits a guard page: report the kernel and thread, then stop.
void onFault(int sig, siginfo_t* info, void*) {
    char buf[600];
    int n = snprintf(buf, sizeof buf,
                     "\nlrml-emu: %s at address %p in kernel %s, block (%u, %u, %u), thread (%u, %u, %u): an"
                     " out-of-bounds access\n",
                     sig == SIGSEGV ? "segmentation fault" : "bus error", info->si_addr, runningName, blockIdx.x,
                     blockIdx.y, blockIdx.z, threadIdx.x, threadIdx.y, threadIdx.z);
    if (n > 0) {
        ssize_t ignored = write(2, buf, (size_t)n);
        (void)ignored;
    }
    _exit(3);
}

[[noreturn]] void threadMain() {
    for (;;) {
        runningKernel->run(runningArgs, runningArgLength);
        Thread& th = threads[current];
        th.state = 2;
        if (_setjmp(th.resume) == 0) _longjmp(scheduler, 1);
        // resumed for the next block (or launch): run the kernel again as the same thread index
    }
}

void setThreadIndex(int t) {
    threadIdx.x = (unsigned)t % blockDim.x;
    threadIdx.y = ((unsigned)t / blockDim.x) % blockDim.y;
    threadIdx.z = (unsigned)t / (blockDim.x * blockDim.y);
}

// After a failed block some coroutines are stopped inside the old kernel: they start afresh next time.
void abandonCoroutines() {
    for (Thread& th : threads) th.started = false;
}

bool runBlock(int nThreads) {
    for (int t = 0; t < nThreads; ++t) {
        Thread& th = threads[t];
        if (!th.started) {
            getcontext(&th.context);
            th.context.uc_stack.ss_sp = stacks[t];
            th.context.uc_stack.ss_size = STACK_BYTES;
            th.context.uc_link = nullptr;  // threadMain never returns
            makecontext(&th.context, threadMain, 0);
        }
        th.state = 0;
    }
    for (;;) {
        for (int t = 0; t < nThreads; ++t) {
            if (threads[t].state != 0) continue;
            current = t;
            setThreadIndex(t);
            if (_setjmp(scheduler) == 0) {
                Thread& th = threads[t];
                if (!th.started) {
                    th.started = true;
                    setcontext(&th.context);
                }
                _longjmp(th.resume, 1);
            }
            if (failed) {
                abandonCoroutines();
                return false;
            }
        }
        int waiting = 0;
        int finished = 0;
        for (int t = 0; t < nThreads; ++t) {
            waiting += threads[t].state == 1;
            finished += threads[t].state == 2;
        }
        if (finished == nThreads) return true;
        if (finished > 0) {
            snprintf(failure, sizeof failure,
                     "kernel %s, block (%u, %u, %u): %d threads wait at __syncthreads while %d have finished (a barrier"
                     " inside divergent code)", runningName, blockIdx.x, blockIdx.y, blockIdx.z, waiting, finished);
            failed = true;
            abandonCoroutines();
            return false;
        }
        for (int t = 0; t < nThreads; ++t) threads[t].state = 0;  // everyone arrived: release the barrier
    }
}

void launch() {
    uint16_t nameLength = get<uint16_t>();
    std::string name(nameLength, '\0');
    readAll(&name[0], nameLength);
    unsigned g[3], b[3];
    for (int i = 0; i < 3; ++i) g[i] = get<uint32_t>();
    for (int i = 0; i < 3; ++i) b[i] = get<uint32_t>();
    uint32_t argBytes = get<uint32_t>();
    std::vector<unsigned char> args(argBytes);
    if (argBytes > 0) readAll(args.data(), argBytes);
    auto it = emu_kernels().find(name);
    if (it == emu_kernels().end()) {
        error("the emulator has no kernel " + name + " (rebuild it from kernels/*.cu)");
        return;
    }
    if (it->second.argBytes != argBytes) {
        error("kernel " + name + " takes " + std::to_string(it->second.argBytes) + " bytes of parameters, got " +
              std::to_string(argBytes));
        return;
    }
    int nThreads = (int)(b[0] * b[1] * b[2]);
    if (nThreads < 1 || nThreads > 1024) {
        error("kernel " + name + ": block of " + std::to_string(nThreads) + " threads");
        return;
    }
    while ((int)stacks.size() < nThreads) {
        void* s = mmap(nullptr, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (s == MAP_FAILED) {
            error("emulator: cannot map thread stacks");
            return;
        }
        stacks.push_back(static_cast<unsigned char*>(s));
    }
    if (threads.size() < (size_t)nThreads) threads.resize((size_t)nThreads);  // parked coroutines are kept
    runningKernel = &it->second;
    runningArgs = args.data();
    runningArgLength = args.size();
    runningName = it->first.c_str();
    failed = false;
    gridDim = dim3{g[0], g[1], g[2]};
    blockDim = dim3{b[0], b[1], b[2]};
    // A GPU runs blocks in no particular order and side by side; a kernel whose result depends on the order
    // (two blocks read-modify-writing the same output) is wrong there even when it passes in order here. So the
    // blocks run in a shuffled order by default (deterministic: seeded by the launch count), reversed or in order
    // when LRML_EMU_BLOCK_ORDER says so.
    const unsigned long long total = (unsigned long long)g[0] * g[1] * g[2];
    std::vector<unsigned long long> order(total);
    for (unsigned long long i = 0; i < total; ++i) order[i] = i;
    if (blockOrder == ORDER_REVERSE) {
        std::reverse(order.begin(), order.end());
    } else if (blockOrder == ORDER_SHUFFLE && total > 1) {
        unsigned long long state = 0x9E3779B97F4A7C15ull * (++launchCount) + 0x632BE59BD9B4E019ull;
        for (unsigned long long i = total - 1; i > 0; --i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            unsigned long long j = (state >> 11) % (i + 1);
            std::swap(order[i], order[j]);
        }
    }
    for (unsigned long long i : order) {
        const unsigned x = (unsigned)(i % g[0]);
        const unsigned y = (unsigned)((i / g[0]) % g[1]);
        const unsigned z = (unsigned)(i / ((unsigned long long)g[0] * g[1]));
        blockIdx = dim3{x, y, z};
        if (!runBlock(nThreads)) {
            error(failure);
            return;
        }
    }
    ok();
}

void alloc() {
    uint64_t bytes = get<uint64_t>();
    // Data pages, then a guard page; the data ends where the guard begins (rounded to 16 bytes for float4).
    size_t rounded = (size_t)((bytes + 15) / 16 * 16);
    size_t dataPages = (rounded + PAGE - 1) / PAGE * PAGE;
    if (dataPages == 0) dataPages = PAGE;
    size_t mapped = dataPages + PAGE;
    void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        uint64_t zero = 0;
        ok();
        writeAll(&zero, 8);  // address 0: out of memory
        return;
    }
    unsigned char* base = static_cast<unsigned char*>(m);
    mprotect(base + dataPages, PAGE, PROT_NONE);
    unsigned char* data = base + dataPages - rounded;
    // Fresh device memory is not zeroed on a GPU; fill it with a NaN pattern so kernels that read before
    // writing show it.
    memset(base, 0xff, dataPages);
    allocations[(uintptr_t)data] = Allocation{base, mapped};
    uint64_t address = (uint64_t)(uintptr_t)data;
    ok();
    writeAll(&address, 8);
}

void freeMemory() {
    uint64_t address = get<uint64_t>();
    auto it = allocations.find((uintptr_t)address);
    if (it == allocations.end()) {
        error("free of an address the emulator did not allocate");
        return;
    }
    munmap(it->second.base, it->second.mapped);
    allocations.erase(it);
    ok();
}

}  // namespace

void __syncthreads() {
    Thread& th = threads[current];
    th.state = 1;
    if (_setjmp(th.resume) == 0) _longjmp(scheduler, 1);
}

void __trap() {
    char buf[400];
    int n = snprintf(buf, sizeof buf, "\nlrml-emu: __trap() in kernel %s, block (%u, %u, %u), thread (%u, %u, %u)\n",
                     runningName, blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, threadIdx.y, threadIdx.z);
    if (n > 0) {
        ssize_t ignored = write(2, buf, (size_t)n);
        (void)ignored;
    }
    _exit(4);
}

int main() {
    static unsigned char altStack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = altStack;
    ss.ss_size = sizeof altStack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = onFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGBUS, &sa, nullptr);
    if (const char* o = std::getenv("LRML_EMU_BLOCK_ORDER")) {
        const std::string order(o);
        if (order == "reverse") {
            blockOrder = ORDER_REVERSE;
        } else if (order == "in-order") {
            blockOrder = ORDER_IN_ORDER;
        } else if (order != "shuffle" && !order.empty()) {
            fprintf(stderr, "emulator: LRML_EMU_BLOCK_ORDER=%s: expected shuffle, reverse or in-order\n", o);
            return 2;
        }
    }
    for (;;) {
        unsigned char op = get<unsigned char>();
        switch (op) {
            case 1: alloc(); break;
            case 2: freeMemory(); break;
            case 3: {
                runningName = "(host-to-device copy)";
                uint64_t address = get<uint64_t>();
                uint64_t n = get<uint64_t>();
                readAll(reinterpret_cast<void*>((uintptr_t)address), (size_t)n);
                ok();
                break;
            }
            case 4: {
                runningName = "(device-to-host copy)";
                uint64_t address = get<uint64_t>();
                uint64_t n = get<uint64_t>();
                ok();
                writeAll(reinterpret_cast<void*>((uintptr_t)address), (size_t)n);
                break;
            }
            case 5: {
                runningName = "(device-to-device copy)";
                uint64_t src = get<uint64_t>();
                uint64_t dst = get<uint64_t>();
                uint64_t n = get<uint64_t>();
                memmove(reinterpret_cast<void*>((uintptr_t)dst), reinterpret_cast<void*>((uintptr_t)src), (size_t)n);
                ok();
                break;
            }
            case 6: launch(); break;
            case 7: return 0;
            default: error("unknown request " + std::to_string(op)); return 1;
        }
    }
}
