/* wagi-hello: the smallest useful WAGI handler, for the benchmark: a header block and one line. */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain\n\nHello from WAGI!\n", stdout);
    return 0;
}
