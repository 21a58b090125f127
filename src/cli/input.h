/* input.h - reading and decoding input documents for the govner command. */
#ifndef GOVNER_INPUT_H
#define GOVNER_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

/* Read the whole stream into a malloc'd, NUL-terminated buffer. Returns 0 or an errno value. */
int read_all(FILE *f, char **out, size_t *out_len);

typedef struct {
    char *text;             /* UTF-8; text + offset is the document */
    size_t offset;          /* a BOM skipped */
    size_t len;
    bool owned;             /* text was allocated by decode_text */
    const char *encoding;   /* "utf-8", "gb18030" or the forced name */
    size_t n_bad;           /* invalid sequences replaced by U+FFFD */
    size_t first_bad;       /* byte offset of the first one in the raw input */
    bool unchecked;         /* decode_text_unchecked: taken as UTF-8 without checking it */
} decoded;

/* Decode raw bytes (kept alive by the caller while d->text may point into them). `forced` is an
 * iconv encoding name or NULL to detect. Returns 0, EINVAL (unknown encoding), EILSEQ (not in the
 * forced encoding) or ENOMEM. */
int decode_text(char *raw, size_t len, const char *forced, decoded *d);

/* decode_text, but text of at most 64 KiB that would be checked as UTF-8 and holds no NUL is taken
 * as it stands, unchecked (d->unchecked): the matcher checks the UTF-8 as it decodes (govner_match
 * fails with GOVNER_ERR_INPUT), and then decode_text must be asked, for the conversion or the
 * repair and the warning. */
int decode_text_unchecked(char *raw, size_t len, const char *forced, decoded *d);

/* Does raw begin with UTF-16's or UTF-32's byte order mark? */
bool has_unicode_bom(const char *raw, size_t len);

/* Does stream f begin with UTF-16's or UTF-32's byte order mark? Then the mark is consumed, the
 * encoding's iconv name set and the name to report returned; else NULL and nothing consumed. */
const char *stream_unicode_bom(FILE *f, const char **iconv_name);

/* The rest of f converted from `iconv_name` to UTF-8 (malloc'd, NUL-terminated). Returns 0, EILSEQ
 * (not valid in that encoding) or an errno value. */
int read_converted(FILE *f, const char *iconv_name, char **out, size_t *out_len);
void decoded_free(decoded *d);

#endif
