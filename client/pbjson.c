/*
 * The descriptor-driven protobuf-to-JSON conversion behind pbjson.h. It walks
 * a message's field descriptors, reads each member at its offset the way
 * protobuf-c lays structs out (a count before each repeated array, a case
 * member for each oneof, a has_ flag for proto2 optionals), and builds jansson
 * values. Nothing here trusts that a string is UTF-8: jansson checks, and a
 * failure is reported rather than printed.
 */
#include "client/pbjson.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int pbjson_object(const ProtobufCMessage *msg, int depth, json_t **out);

/* Writes the enum's value prefix ("Role" -> "ROLE_", "AuditAction" -> "AUDIT_ACTION_"). */
static int pbjson_enum_prefix(const char *short_name, char *buf, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; short_name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)short_name[i];
        unsigned char prev = i > 0 ? (unsigned char)short_name[i - 1] : 0;
        if (isupper(c) && (islower(prev) || isdigit(prev))) {
            if (n + 1 >= len)
                return SAFER_E_TOOBIG;
            buf[n++] = '_';
        }
        if (n + 1 >= len)
            return SAFER_E_TOOBIG;
        buf[n++] = (char)toupper(c);
    }
    if (n + 2 > len)
        return SAFER_E_TOOBIG;
    buf[n++] = '_';
    buf[n] = '\0';
    return 0;
}

int pbjson_enum_name(const ProtobufCEnumDescriptor *d, int value, char *buf, size_t len)
{
    char prefix[PBJSON_NAME_MAX + 2];
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    const char *name;
    size_t plen;
    size_t i;

    if (v == NULL || len == 0)
        return SAFER_E_NOTFOUND;
    name = v->name;
    /*
     * Strip the prefix only when something is left after it. Some enums name
     * their values after the first word of the type alone (ReturnStatus has
     * RETURN_ON_TIME), so that word is tried when the whole prefix is not there.
     */
    if (pbjson_enum_prefix(d->short_name, prefix, sizeof(prefix)) == 0) {
        plen = strlen(prefix);
        if (strncmp(name, prefix, plen) != 0)
            plen = strcspn(prefix, "_") + 1;
        if (strncmp(name, prefix, plen) == 0 && name[plen] != '\0')
            name += plen;
    }
    for (i = 0; name[i] != '\0' && i + 1 < len; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    return name[i] == '\0' ? 0 : SAFER_E_TOOBIG;
}

static json_t *pbjson_enum(const ProtobufCEnumDescriptor *d, int value)
{
    char name[PBJSON_NAME_MAX + 1];

    if (pbjson_enum_name(d, value, name, sizeof(name)) != 0)
        return json_integer(value);
    return json_string(name);
}

static json_t *pbjson_hex(const ProtobufCBinaryData *b)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(b->len * 2 + 1);
    json_t *j;

    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < b->len; i++) {
        s[2 * i] = digits[b->data[i] >> 4];
        s[2 * i + 1] = digits[b->data[i] & 0x0f];
    }
    s[b->len * 2] = '\0';
    j = json_stringn(s, b->len * 2);
    free(s);
    return j;
}

static json_t *pbjson_u64(uint64_t v)
{
    char digits[24];

    if (v <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)v);
    snprintf(digits, sizeof(digits), "%" PRIu64, v);
    return json_string(digits);
}

/*
 * Converts the one value at p, of field f's type, into *out. A string that is
 * not UTF-8 gives SAFER_E_INVAL; a NULL message gives JSON null.
 */
static int pbjson_value(const ProtobufCFieldDescriptor *f, const void *p, int depth, json_t **out)
{
    const char *s;

    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        *out = json_integer(*(const int32_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        *out = json_integer(*(const uint32_t *)p);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        *out = json_integer((json_int_t) * (const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        *out = pbjson_u64(*(const uint64_t *)p);
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        *out = json_real(*(const float *)p);
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        *out = json_real(*(const double *)p);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        *out = json_boolean(*(const protobuf_c_boolean *)p);
        break;
    case PROTOBUF_C_TYPE_ENUM:
        *out = pbjson_enum(f->descriptor, *(const int *)p);
        break;
    case PROTOBUF_C_TYPE_STRING:
        s = *(char *const *)p;
        *out = json_string(s != NULL ? s : "");
        /* json_string refuses text that is not UTF-8. */
        return *out != NULL ? 0 : SAFER_E_INVAL;
    case PROTOBUF_C_TYPE_BYTES:
        *out = pbjson_hex((const ProtobufCBinaryData *)p);
        break;
    case PROTOBUF_C_TYPE_MESSAGE:
        if (*(ProtobufCMessage *const *)p == NULL) {
            *out = json_null();
            return 0;
        }
        return pbjson_object(*(ProtobufCMessage *const *)p, depth + 1, out);
    default:
        return SAFER_E_INVAL;
    }
    return *out != NULL ? 0 : SAFER_E_NOMEM;
}

/* The size of one element of a repeated field of f's type in protobuf-c's arrays. */
static size_t pbjson_elem_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return sizeof(uint64_t);
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_FLOAT:
        return sizeof(float);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:
        return sizeof(int);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    default:
        return sizeof(uint32_t);
    }
}

static int pbjson_repeated(
    const ProtobufCFieldDescriptor *f, const char *base, int depth, json_t **out)
{
    size_t n = *(const size_t *)(base + f->quantifier_offset);
    const char *arr = *(char *const *)(base + f->offset);
    size_t sz = pbjson_elem_size(f);
    json_t *a = json_array();
    json_t *v = NULL;
    int ret = SAFER_E_NOMEM;

    if (a == NULL)
        return SAFER_E_NOMEM;
    if (n > 0 && arr == NULL) {
        ret = SAFER_E_INVAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if ((ret = pbjson_value(f, arr + i * sz, depth, &v)) != 0)
            goto out;
        if (json_array_append_new(a, v) != 0) {
            ret = SAFER_E_NOMEM;
            goto out;
        }
    }
    *out = a;
    a = NULL;
    ret = 0;
out:
    json_decref(a);
    return ret;
}

/* 1 if field f holds a value worth printing: oneof members only when chosen. */
static int pbjson_present(const ProtobufCFieldDescriptor *f, const char *base)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *)(base + f->quantifier_offset) == f->id;
    if (f->label != PROTOBUF_C_LABEL_OPTIONAL)
        return 1;
    if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *)(base + f->offset) != NULL;
    return *(const protobuf_c_boolean *)(base + f->quantifier_offset) != 0;
}

static int pbjson_object(const ProtobufCMessage *msg, int depth, json_t **out)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    const char *base = (const char *)msg;
    json_t *obj = NULL;
    json_t *v = NULL;
    int ret;

    *out = NULL;
    if (d == NULL || d->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC)
        return SAFER_E_INVAL;
    if (depth > PBJSON_DEPTH_MAX)
        return SAFER_E_TOOBIG;
    if ((obj = json_object()) == NULL)
        return SAFER_E_NOMEM;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!pbjson_present(f, base))
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            ret = pbjson_repeated(f, base, depth, &v);
        else
            ret = pbjson_value(f, base + f->offset, depth, &v);
        if (ret != 0)
            goto out;
        if (json_object_set_new(obj, f->name, v) != 0) {
            ret = SAFER_E_NOMEM;
            goto out;
        }
    }
    *out = obj;
    obj = NULL;
    ret = 0;
out:
    json_decref(obj);
    return ret;
}

int pbjson_message(const ProtobufCMessage *msg, json_t **out)
{
    return pbjson_object(msg, 0, out);
}

int pbjson_dump(const json_t *doc, FILE *f)
{
    if (json_dumpf(doc, f, JSON_COMPACT | JSON_ENCODE_ANY) != 0 || fputc('\n', f) == EOF
        || fflush(f) != 0)
        return SAFER_E_IO;
    return 0;
}
