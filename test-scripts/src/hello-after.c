/*
 * hello-after: hello's answer, given after about 2 ms of something else, to tell apart what a
 * CGI server's own CPU per request owes to how long its script runs from what it owes to what the
 * script does meanwhile. Which something depends on the name it is run under:
 *
 *   hello-idle   sleeps (the CPU has nothing to do unless the server does);
 *   hello-busy   writes one byte in every 64 of a 6 MiB block, over and over, so that whatever
 *                ran on its CPU before finds its caches filled with this program's memory.
 *
 * Used by test-scripts/bench/threads-per-request.sh; the answer is one write(2), as hello's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUN_NANOS 2000000L
#define BUSY_BYTES ((size_t) 6 << 20)

static long elapsed_nanos(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000000L + (now.tv_nsec - since->tv_nsec);
}

int main(int argc, char **argv)
{
    static const char response[] =
        "Content-Type: text/plain\r\n"
        "\r\n"
        "hello\n";
    const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
    name = name != NULL ? name + 1 : (argc > 0 ? argv[0] : "");
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (strcmp(name, "hello-busy") == 0) {
        volatile unsigned char *block = malloc(BUSY_BYTES);
        if (block == NULL) {
            return 1;
        }
        while (elapsed_nanos(&start) < RUN_NANOS) {
            for (size_t at = 0; at < BUSY_BYTES; at += 64) {
                block[at]++;
            }
        }
    } else {
        struct timespec nap = { 0, RUN_NANOS };
        while (nanosleep(&nap, &nap) != 0 && errno == EINTR) {
        }
    }
    /* Fewer bytes than PIPE_BUF: one write(2) to a pipe takes them all or fails. */
    return write(STDOUT_FILENO, response, sizeof response - 1) == (ssize_t) (sizeof response - 1)
        ? 0 : 1;
}
