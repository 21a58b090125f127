/* fuzz_decode.c - libFuzzer target: the input decoder (UTF-8, UTF-16/UTF-32 by byte order mark, GB18030 detection, repair). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "govner.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *raw = malloc(size + 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    raw[size] = '\0';
    decoded d;
    if (decode_text(raw, size, NULL, &d) == 0) {
        /* Whatever came in, what comes out is valid UTF-8 without NUL bytes. */
        if (govner_utf8_check(d.text + d.offset, d.len) != d.len || memchr(d.text + d.offset, '\0', d.len))
            abort();
        decoded_free(&d);
    }
    if (decode_text(raw, size, "GBK", &d) == 0) {
        if (govner_utf8_check(d.text + d.offset, d.len) != d.len)
            abort();
        decoded_free(&d);
    }
    free(raw);
    return 0;
}
