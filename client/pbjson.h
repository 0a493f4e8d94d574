/*
 * Protobuf messages as JSON, for the CLI's --json output. The conversion is
 * driven by protobuf-c's descriptors, so a new message or field needs no code
 * here. The mapping, which scripts can rely on:
 *
 *   - keys are the field names of the .proto ("agency_code");
 *   - integers of every width are JSON integers (a uint64 beyond the range of
 *     a signed 64-bit integer, which Safer never sends, becomes a string of
 *     its digits); floats and doubles are JSON reals; bools are true/false;
 *   - enum values are lowercase names without the prefix the enum's own name
 *     gives them (Role's ROLE_ADMIN is "admin", Status's PERMISSION_DENIED is
 *     "permission_denied"; ReturnStatus's RETURN_ON_TIME, named after the first
 *     word of its type, is "on_time"); a value the schema does not know
 *     (proto3 enums are open) is its number;
 *   - strings are strings, bytes are lowercase hex;
 *   - repeated fields are arrays, nested messages objects, an unset nested
 *     message null;
 *   - of a oneof, only the member that is set appears.
 */
#ifndef SAFER_CLIENT_PBJSON_H
#define SAFER_CLIENT_PBJSON_H

#include <stdio.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Messages nest at most this deep; Safer's schema has no recursive message. */
#define PBJSON_DEPTH_MAX 16
/* The longest enum value name handled. */
#define PBJSON_NAME_MAX 128

/*
 * Converts msg into a new JSON object in *out (release it with json_decref).
 * Returns 0; SAFER_E_INVAL if a string is not valid UTF-8 or the message is
 * malformed; SAFER_E_TOOBIG past PBJSON_DEPTH_MAX; SAFER_E_NOMEM.
 */
int pbjson_message(const ProtobufCMessage *msg, json_t **out);

/*
 * The JSON name of an enum value into buf (at least PBJSON_NAME_MAX + 1
 * bytes): lowercase, the enum's prefix removed. Returns 0, or SAFER_E_NOTFOUND
 * when the enum has no such value.
 */
int pbjson_enum_name(const ProtobufCEnumDescriptor *d, int value, char *buf, size_t len);

/*
 * Writes doc to f as one compact line followed by a newline. Returns 0 or
 * SAFER_E_IO.
 */
int pbjson_dump(const json_t *doc, FILE *f);

#endif
