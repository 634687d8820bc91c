/*
 * readbody: a CGI program (RFC 3875) that reads its whole request body from stdin and answers
 * with the number of bytes it read, to measure how fast a server delivers a large upload.
 *
 * It reads to EOF in 64 KiB reads, so the program itself never limits the rate being measured;
 * CONTENT_LENGTH, when set, is only compared with what arrived. The body starts with "hello" so
 * the benchmark's check of every server and script pair accepts it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define READ_BYTES (64 * 1024)

int main(void)
{
    static char buffer[READ_BYTES];
    long long total = 0;
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 1;
        }
        total += n;
    }
    const char *declared = getenv("CONTENT_LENGTH");
    int complete = declared == NULL || *declared == '\0' || strtoll(declared, NULL, 10) == total;
    printf("Status: %s\r\nContent-Type: text/plain\r\n\r\nhello, read %lld bytes\n",
           complete ? "200 OK" : "400 Bad Request", total);
    return 0;
}
