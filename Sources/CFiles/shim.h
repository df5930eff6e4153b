#ifndef WHICHTOK_CFILES_SHIM_H
#define WHICHTOK_CFILES_SHIM_H

/* File calls a store's save uses that need _GNU_SOURCE on Linux (unnamed files, early writeback),
   with stand-ins elsewhere. */
#if defined(__linux__)
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* An unnamed file in `directory`, open for writing with `mode` (O_TMPFILE), or -1 where the system
   or the file system has none. */
static inline int whichtok_open_anonymous(const char *directory, int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
    (void)directory;
    (void)mode;
    errno = ENOTSUP;
    return -1;
#endif
}

/* Gives the unnamed file `fd` the name `path` (which must not exist); 0, or -1 with errno set. */
static inline int whichtok_link_anonymous(int fd, const char *path) {
#if defined(__linux__)
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
#else
    (void)fd;
    (void)path;
    errno = ENOTSUP;
    return -1;
#endif
}

/* Starts writing `length` bytes of `fd` from `offset` to the disk without waiting for them, so that
   a later fsync has less to wait for (Linux: sync_file_range; elsewhere nothing). */
static inline void whichtok_start_writeback(int fd, int64_t offset, int64_t length) {
#if defined(__linux__)
    (void)sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    (void)offset;
    (void)length;
#endif
}

#endif
