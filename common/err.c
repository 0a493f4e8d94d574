/*
 * Lookups over the error table in err.h.
 */
#include "common/err.h"

#include <stddef.h>

struct err_row {
    int code;
    const char *name;
    const char *msg;
    Safer__Status status;
};

static const struct err_row err_rows[] = {
#define SAFER_ERR_ROW(name, value, st, msg) { value, "SAFER_E_" #name, msg, SAFER__STATUS__##st },
    SAFER_ERRORS(SAFER_ERR_ROW)
#undef SAFER_ERR_ROW
};

static const struct err_row *err_find(int code)
{
    for (size_t i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
        if (err_rows[i].code == code)
            return &err_rows[i];
    }
    return NULL;
}

const char *err_name(int code)
{
    const struct err_row *row = err_find(code);
    return row ? row->name : "SAFER_E_UNKNOWN";
}

const char *err_msg(int code)
{
    const struct err_row *row = err_find(code);
    return row ? row->msg : "unknown error";
}

Safer__Status err_status(int code)
{
    const struct err_row *row = err_find(code);
    return row ? row->status : SAFER__STATUS__INTERNAL;
}

const char *err_status_name(Safer__Status status)
{
    const ProtobufCEnumValue *v
        = protobuf_c_enum_descriptor_get_value(&safer__status__descriptor, (int)status);
    return v ? v->name : "UNKNOWN";
}
