/*
 * bigbody: a CGI program (RFC 3875) that answers with N MiB of body, to measure how fast a
 * server relays a large response compared with a plain pipe.
 *
 * N comes from the query string ("mib=256" or just "256"), else from the BIGBODY_MIB
 * environment variable, else from the first argument; the default is 1. The body is written
 * in 1 MiB writes so the program itself never limits the rate being measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_BYTES (1024 * 1024)
#define MAX_MIB 65536L

static long parse_mib(const char *text)
{
    if (text == NULL || *text == '\0') {
        return -1;
    }
    const char *named = strstr(text, "mib=");
    char *end = NULL;
    long mib = strtol(named != NULL ? named + 4 : text, &end, 10);
    if (end == text || mib < 0 || mib > MAX_MIB) {
        return -1;
    }
    return mib;
}

static long requested_mib(int argc, char **argv)
{
    long mib = parse_mib(getenv("QUERY_STRING"));
    if (mib < 0) {
        mib = parse_mib(getenv("BIGBODY_MIB"));
    }
    if (mib < 0 && argc > 1) {
        mib = parse_mib(argv[1]);
    }
    return mib < 0 ? 1 : mib;
}

static int write_all(const char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t written = write(STDOUT_FILENO, bytes, length);
        if (written < 0) {
            return -1;
        }
        bytes += written;
        length -= (size_t) written;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long mib = requested_mib(argc, argv);
    char head[160];
    int head_length = snprintf(head, sizeof head,
            "Content-Type: application/octet-stream\r\n"
            "Content-Length: %lld\r\n"
            "\r\n", (long long) mib * CHUNK_BYTES);
    if (write_all(head, (size_t) head_length) != 0) {
        return 1;
    }
    static char chunk[CHUNK_BYTES];
    memset(chunk, 'x', sizeof chunk);
    for (long i = 0; i < mib; i++) {
        if (write_all(chunk, sizeof chunk) != 0) {
            return 1;
        }
    }
    return 0;
}
