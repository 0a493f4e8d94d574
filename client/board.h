/*
 * What the board's commands share (group, meeting, report, returns, action,
 * attendance, minutes): checks of codes, lists and numbers with messages
 * naming the input, reading a text file for upload, printing text from the
 * server safely, and enum values in words. A check that fails prints why and
 * the command exits with CLI_USAGE; the server checks everything again.
 */
#ifndef SAFER_CLIENT_BOARD_H
#define SAFER_CLIENT_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

#define BOARD_CODE_MAX 32        /* task group and agency codes: [a-z0-9-]{1,32} */
#define BOARD_LIST_MAX 64        /* items in a list like police,fire */
#define BOARD_LIST_TEXT_MAX 2048 /* bytes of such a list */
#define BOARD_WORD_MAX 64        /* room for an enum value in words */
#define BOARD_MINUTES_MAX 20000  /* characters of minutes for one agenda item */
#define BOARD_NOTE_MAX 1000      /* characters of a note on an action update */
#define BOARD_TEXT_MAX 2000      /* characters of an action's text */
#define BOARD_TITLE_MAX 200      /* characters of an agenda item's or a paper's title */
#define BOARD_SUBSTITUTE_MAX 128 /* characters of a substitute's name */
#define BOARD_QUOTE_CHARS 40     /* characters of a long text quoted in a message */

/* Items split out of one argument; the items point into text. */
typedef struct board_list {
    char text[BOARD_LIST_TEXT_MAX + 1]; /* a copy of the argument, cut at the separators */
    char *items[BOARD_LIST_MAX];        /* the items, none empty */
    size_t n;                           /* how many */
} board_list;

/* Checks a code, "safer: WHAT 'CODE': want 1 to 32 of a-z, 0-9 and '-'". 0 or -1. */
int board_code(const char *what, const char *code);

/*
 * Splits in at sep into out: at least one item, none empty, none given
 * twice, at most BOARD_LIST_MAX. what names the list in messages. 0 or -1.
 */
int board_split(const char *what, const char *in, char sep, board_list *out);

/* board_split at commas, each item checked with board_code. 0 or -1. */
int board_codes(const char *what, const char *in, board_list *out);

/* Parses a whole number in 1..max. 0 or -1 (printed, naming what). */
int board_number(const char *what, const char *s, uint64_t max, uint64_t *out);

/*
 * Checks text of 1..max characters (0..max with allow_empty) that is valid
 * UTF-8. Control characters other than newline and tab are refused unless
 * multiline is 0, where every control character is. 0 or -1 (printed).
 */
int board_text(const char *what, const char *s, size_t max, int allow_empty, int multiline);

/*
 * The number of characters in the UTF-8 text s of len bytes, or -1 when it
 * is not valid UTF-8 (overlong forms, surrogates and code points past
 * U+10FFFF are refused) or holds a NUL; *bad then says at which byte.
 */
long board_utf8_chars(const uint8_t *s, size_t len, size_t *bad);

/*
 * Reads the regular file at path into a new buffer *out (free()), NUL
 * terminated, *len bytes without the NUL. The file must hold 1..max bytes
 * (0..max with allow_empty) of UTF-8. Messages name the file: "FILE is
 * empty", "FILE is N bytes; the limit is MAX". Returns 0 or -1 (printed).
 */
int board_read_file(const char *path, size_t max, int allow_empty, uint8_t **out, size_t *len);

/*
 * Writes len bytes of text to f keeping newlines and tabs; other control
 * characters become '?', so text from the server cannot drive the terminal.
 */
void board_put_text(FILE *f, const uint8_t *s, size_t len);

/* An enum value in words into buf ("on time" for RETURN_ON_TIME); "?" if unknown. */
void board_word(const ProtobufCEnumDescriptor *d, int value, char buf[BOARD_WORD_MAX]);

/*
 * Copies s into buf cut to at most width characters, ending in "..." when
 * cut, and with newlines as spaces: for a table cell.
 */
void board_cut(const char *s, size_t width, char *buf, size_t len);

#endif
