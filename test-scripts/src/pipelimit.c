/*
 * pipelimit: the fastest a CGI server could move a body through a script's pipe on this
 * machine, doing nothing but the pipe work the server itself does.
 *
 *   pipelimit write [-m MIB] [-w WRITE_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]
 *       spawns PROGRAM with stdin on a pipe and stdout on /dev/null, writes MIB MiB into the
 *       pipe in WRITE_BYTES writes, closes it and waits: the upload limit.
 *   pipelimit read [-r READ_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]
 *       spawns PROGRAM with stdout on a pipe, reads it to EOF in READ_BYTES reads and waits:
 *       the download limit.
 *
 * PIPE_BYTES, when given, is asked for with F_SETPIPE_SZ, as the server does for its pipe; 0
 * keeps the kernel's default. The environment passes on CONTENT_LENGTH (set to the upload's
 * size in write mode) and BIGBODY_MIB. Output is one line of key=value pairs, mib_per_second
 * first, so scripts can parse it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: pipelimit write [-m MIB] [-w WRITE_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]\n"
                 "       pipelimit read [-r READ_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]\n");
}

/* Spawns argv with the pipe's far end as its stdin (writing) or stdout (reading). */
static int spawn_on_pipe(char **argv, int writing, long pipe_bytes, int *near_end, pid_t *pid)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return errno;
    }
    if (pipe_bytes > 0) {
        fcntl(fds[0], F_SETPIPE_SZ, (int) pipe_bytes);
    }
    int far_end = writing ? fds[0] : fds[1];
    *near_end = writing ? fds[1] : fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, far_end, writing ? STDIN_FILENO : STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, writing ? STDOUT_FILENO : STDIN_FILENO,
                                     "/dev/null", writing ? O_WRONLY : O_RDONLY, 0);
    extern char **environ;
    int error = posix_spawn(pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(far_end);
    if (error != 0) {
        close(*near_end);
    }
    return error;
}

static int write_all(int fd, const char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        bytes += written;
        length -= (size_t) written;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "read") != 0)) {
        usage(stderr);
        return 2;
    }
    int writing = strcmp(argv[1], "write") == 0;
    long mib = 16, io_bytes = writing ? 65536 : 131072, pipe_bytes = 0;
    int option;
    optind = 2;
    while ((option = getopt(argc, argv, "+m:w:r:p:h")) != -1) {
        switch (option) {
        case 'm': mib = strtol(optarg, NULL, 10); break;
        case 'w':
        case 'r': io_bytes = strtol(optarg, NULL, 10); break;
        case 'p': pipe_bytes = strtol(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || mib < 1 || io_bytes < 1 || io_bytes > (1L << 30) || pipe_bytes < 0) {
        usage(stderr);
        return 2;
    }
    char *buffer = malloc((size_t) io_bytes);
    if (buffer == NULL) {
        return 1;
    }
    memset(buffer, 'x', (size_t) io_bytes);
    long long total = 0, size = (long long) mib * 1048576;
    if (writing) {
        char length[32];
        snprintf(length, sizeof length, "%lld", size);
        setenv("CONTENT_LENGTH", length, 1);
    }
    double start = now_seconds();
    int near_end = -1;
    pid_t pid;
    int error = spawn_on_pipe(&argv[optind], writing, pipe_bytes, &near_end, &pid);
    if (error != 0) {
        fprintf(stderr, "pipelimit: cannot spawn %s: %s\n", argv[optind], strerror(error));
        return 1;
    }
    if (writing) {
        while (total < size) {
            long long step = size - total < io_bytes ? size - total : io_bytes;
            if (write_all(near_end, buffer, (size_t) step) != 0) {
                break;
            }
            total += step;
        }
    } else {
        for (;;) {
            ssize_t n = read(near_end, buffer, (size_t) io_bytes);
            if (n > 0) {
                total += n;
            } else if (n == 0 || errno != EINTR) {
                break;
            }
        }
    }
    close(near_end);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    double seconds = now_seconds() - start;
    printf("mib_per_second=%.1f bytes=%lld seconds=%.4f io_bytes=%ld pipe_bytes=%ld exit=%d\n",
           (double) total / 1048576.0 / seconds, total, seconds, io_bytes, pipe_bytes,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return writing && total < size ? 1 : 0;
}
