/*
 * saferd's configuration: every setting `saferd run` takes, with its type,
 * default, bounds and help in one table. The same table reads the config file
 * (an INI file with one [saferd] section), checks the command-line flags that
 * override it (--max-conns for the key max_conns), prints the options in
 * --help and writes the example file, so none of them can drift from another.
 *
 * Values are checked as they are set; a bad one is reported with the file's
 * name and line ("saferd.conf:7: max_conns = 'lots' is not a number from 1 to
 * 1000000"), as are unknown keys, unknown sections and lines that are neither.
 */
#ifndef SAFER_SERVER_CONFIG_H
#define SAFER_SERVER_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/invite.h"
#include "server/server.h"

#define CONFIG_FILE_NAME "saferd.conf" /* looked for in the data folder */
#define CONFIG_SECTION "saferd"
#define CONFIG_FILE_MAX (64u * 1024u) /* a config file larger than this is refused */
/* inih reads a line into a 200-byte buffer that also holds "\r\n\0". */
#define CONFIG_LINE_MAX 196
#define CONFIG_ADDR_MAX (INVITE_HOST_MAX + 8) /* "[host]:65535" */
#define CONFIG_DIR_MAX 3900                   /* leaves room for a file name in a 4096-byte path */
#define CONFIG_ERR_MAX 512                    /* room for any message config_* writes */
#define CONFIG_NITEMS 11

enum config_type {
    CONFIG_ADDR,   /* HOST:PORT with a port from 1 to 65535, or empty for unset */
    CONFIG_DIR,    /* a folder's path, or empty for unset */
    CONFIG_NUMBER, /* a whole number from min to max */
    CONFIG_LEVEL,  /* debug, info, warn or error */
};

/* One setting: its key, how its value is read, where it lives and what it means. */
typedef struct config_item {
    const char *name;      /* the key in the file; the flag is "--" and the key with '-' for '_' */
    enum config_type type; /* how the value is read and checked */
    size_t offset;         /* where the value lives in struct config */
    const char *def;       /* the default as it would be written in the file */
    uint64_t min, max;     /* the bounds of a CONFIG_NUMBER */
    const char *help;      /* one line for --help and the example file */
} config_item;

typedef struct config {
    char listen[CONFIG_ADDR_MAX + 1];         /* empty: the listen setting from `saferd init` */
    char public_address[CONFIG_ADDR_MAX + 1]; /* empty: invites name the listen address */
    char data_dir[CONFIG_DIR_MAX + 1];        /* empty: DIR must be on the command line */
    uint64_t handshake_timeout_ms;            /* server_limits.handshake_ms */
    uint64_t idle_timeout_ms;                 /* server_limits.idle_ms */
    uint64_t max_conns;                       /* server_limits.max_conns */
    uint64_t max_handshakes;                  /* server_limits.max_handshakes */
    uint64_t max_failures;                    /* server_limits.max_failures */
    uint64_t failure_window_ms;               /* server_limits.failure_window_ms */
    uint64_t write_queue_bytes;               /* server_limits.wq_cap */
    int log_level;                            /* enum log_level */
    int line[CONFIG_NITEMS];                  /* the file line that set each item, 0 if none did */
} config;

/* The table, in the order --help and the example file list it. */
extern const config_item config_items[CONFIG_NITEMS];

/* Sets every item of c to its default. Returns 0 (the defaults are checked like any value). */
int config_defaults(config *c);

/* The index of the item whose key is name, or -1. */
int config_find(const char *name);

/*
 * Sets item i of c from the text value. On failure returns SAFER_E_INVAL and
 * writes into err (errlen bytes) what is wrong with the value, quoting it
 * ("'lots' is not a number from 1 to 1000000"); the caller names the key or
 * flag in front of it.
 */
int config_set(config *c, int i, const char *value, char *err, size_t errlen);

/*
 * If arg is the flag of an item ("--max-conns", or "--max-conns=5" in which
 * case *value points after the '='; otherwise *value is set to NULL), returns
 * its index, else -1.
 */
int config_flag(const char *arg, const char **value);

/*
 * Reads the INI text (len bytes) into c over what c holds. name is what
 * messages call the text (the file's path). On failure returns SAFER_E_INVAL
 * with "NAME:LINE: what is wrong" in err; the first error in the text wins.
 */
int config_parse(
    config *c, const char *name, const char *text, size_t len, char *err, size_t errlen);

/*
 * Reads the file at path (at most CONFIG_FILE_MAX bytes) into c as
 * config_parse does. Returns 0, SAFER_E_NOTFOUND if there is no such file,
 * or another negative code with the message in err.
 */
int config_load(config *c, const char *path, char *err, size_t errlen);

/* Prints one entry per item: its flag, its value's form, its help, bounds and default. */
void config_usage(FILE *f);

/* Prints an example file: every key set to its default, with its help above it. */
void config_example(FILE *f);

/* The server's limits from c. */
void config_limits(const config *c, server_limits *lim);

#endif
