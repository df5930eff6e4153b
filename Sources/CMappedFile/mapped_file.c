// See include/CMappedFile.h.

#define _GNU_SOURCE
#include "CMappedFile.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SLOTS = 64 };

// A slot is taken when `used` is set; `start` and `length` are published after (and cleared
// before `used` is released), so the handler sees either no range or a whole one.
struct range {
    atomic_int used;
    atomic_uintptr_t start;
    atomic_size_t length;
    atomic_int lost;
};

static struct range ranges[SLOTS];
static struct sigaction previous;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static int install_failed = 0;
// Read once at install: sysconf is not on the list of functions a signal handler may call.
static uintptr_t page_size = 0;

static void pass_on(int signal, siginfo_t *info, void *context) {
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction != NULL) {
            previous.sa_sigaction(signal, info, context);
            return;
        }
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != NULL) {
        previous.sa_handler(signal);
        return;
    }
    // No handler before ours: the default action, taken when the faulting access runs again.
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(SIGBUS, &fallback, NULL);
}

static void on_bus_error(int signal, siginfo_t *info, void *context) {
    const uintptr_t address = (uintptr_t)info->si_addr;
    for (int i = 0; i < SLOTS; i++) {
        if (!atomic_load(&ranges[i].used)) { continue; }
        const uintptr_t start = atomic_load(&ranges[i].start);
        const size_t length = atomic_load(&ranges[i].length);
        if (length == 0 || address < start || address - start >= length) { continue; }
        const uintptr_t page = page_size;
        if (page == 0) { break; }
        void *base = (void *)(address - (address % page));
        // A zeroed private page where the file's page no longer is; the access then runs again.
        void *laid = mmap(base, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (laid == MAP_FAILED) { break; }
        atomic_store(&ranges[i].lost, 1);
        return;
    }
    pass_on(signal, info, context);
}

static void install(void) {
    const long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) {
        install_failed = 1;
        return;
    }
    page_size = (uintptr_t)page;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &previous) != 0) { install_failed = 1; }
}

int whichtok_mapped_register(void *start, size_t length) {
    if (start == NULL || length == 0) { return -1; }
    pthread_once(&installed, install);
    if (install_failed) { return -1; }
    for (int i = 0; i < SLOTS; i++) {
        int expected = 0;
        if (!atomic_compare_exchange_strong(&ranges[i].used, &expected, 1)) { continue; }
        atomic_store(&ranges[i].lost, 0);
        atomic_store(&ranges[i].start, (uintptr_t)start);
        atomic_store(&ranges[i].length, length);
        return i;
    }
    return -1;
}

void whichtok_mapped_unregister(int slot) {
    if (slot < 0 || slot >= SLOTS) { return; }
    atomic_store(&ranges[slot].length, 0);
    atomic_store(&ranges[slot].start, 0);
    atomic_store(&ranges[slot].used, 0);
}

int whichtok_mapped_lost(int slot) {
    if (slot < 0 || slot >= SLOTS) { return 0; }
    return atomic_load(&ranges[slot].lost);
}
