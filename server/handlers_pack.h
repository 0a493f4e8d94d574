/*
 * The handlers of the board pack's requests (handle_pack.c), for the
 * dispatch table: pull a pack in parts (rendered on a worker thread, signed,
 * kept on the connection for the later parts) and publish an edition. Each
 * follows the handler contract of dispatch.h.
 */
#ifndef SAFER_SERVER_HANDLERS_PACK_H
#define SAFER_SERVER_HANDLERS_PACK_H

#include "server/dispatch.h"

/* The largest part of a pack one answer carries. */
#define PACK_PART_MAX (1024u * 1024u)

int handle_pack_pull(conn *c, const Safer__Request *rq);
int handle_pack_publish(conn *c, const Safer__Request *rq);

#endif
