/*
 * The project's error codes: one X-macro table makes the negative codes, their
 * names, their messages and the wire status each one becomes. Library code
 * returns 0 or one of these; errors turn into a wire Status only through
 * err_status(), in one place.
 */
#ifndef SAFER_COMMON_ERR_H
#define SAFER_COMMON_ERR_H

#include "proto/safer.pb-c.h"

/* X(NAME, value, wire status, message) */
#define SAFER_ERRORS(X)                                                                            \
    X(OK, 0, OK, "success")                                                                        \
    X(NOMEM, -1, RESOURCE_EXHAUSTED, "out of memory")                                              \
    X(INVAL, -2, INVALID_ARGUMENT, "invalid argument")                                             \
    X(IO, -3, UNAVAILABLE, "input/output error")                                                   \
    X(CRYPTO, -4, INTERNAL, "cryptographic operation failed")                                      \
    X(DECRYPT, -5, UNAUTHENTICATED, "message failed authentication")                               \
    X(FRAME, -6, INVALID_ARGUMENT, "frame length outside 16..65535")                               \
    X(TOOBIG, -7, RESOURCE_EXHAUSTED, "message exceeds its size limit")                            \
    X(PROTO, -8, INVALID_ARGUMENT, "malformed protocol message")                                   \
    X(STATE, -9, FAILED_PRECONDITION, "operation not valid in this state")                         \
    X(NONCE, -10, RESOURCE_EXHAUSTED, "cipher nonce exhausted")                                    \
    X(NOTFOUND, -11, NOT_FOUND, "not found")                                                       \
    X(EXISTS, -12, ALREADY_EXISTS, "already exists")                                               \
    X(PERM, -13, PERMISSION_DENIED, "permission denied")                                           \
    X(UNAUTH, -14, UNAUTHENTICATED, "not authenticated")                                           \
    X(PRECOND, -15, FAILED_PRECONDITION, "precondition failed")                                    \
    X(LIMIT, -16, RESOURCE_EXHAUSTED, "limit reached")                                             \
    X(DB, -17, INTERNAL, "database error")                                                         \
    X(EXPIRED, -18, FAILED_PRECONDITION, "expired")                                                \
    X(USED, -19, FAILED_PRECONDITION, "already used")                                              \
    X(REVOKED, -20, UNAUTHENTICATED, "credential revoked")                                         \
    X(TIMEOUT, -21, UNAVAILABLE, "timed out")                                                      \
    X(CLOSED, -22, UNAVAILABLE, "connection closed")                                               \
    X(INTERNAL, -23, INTERNAL, "internal error")                                                   \
    X(UNAVAIL, -24, UNAVAILABLE, "service unavailable")                                            \
    X(PASSPHRASE, -25, UNAUTHENTICATED, "wrong passphrase")

enum safer_err {
#define SAFER_ERR_ENUM(name, value, status, msg) SAFER_E_##name = (value),
    SAFER_ERRORS(SAFER_ERR_ENUM)
#undef SAFER_ERR_ENUM
};

/* The symbolic name of a code ("SAFER_E_FRAME"); "SAFER_E_UNKNOWN" if none. */
const char *err_name(int code);

/* The message of a code, for people. Never NULL. */
const char *err_msg(int code);

/* The wire status a code becomes. The only place errors meet the wire. */
Safer__Status err_status(int code);

/* The name of a wire status ("PERMISSION_DENIED"); "UNKNOWN" if none. */
const char *err_status_name(Safer__Status status);

#endif
