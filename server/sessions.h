/*
 * Live sessions after a change to people or credentials. Once a revoke, a
 * rotation, a deactivation or a change of roles has committed, the handler
 * calls sessions_recheck: every open enrolled session is looked up again by
 * its key, so a session of a revoked key, or of a person or agency now
 * deactivated, is told why (Response{id = 0, UNAUTHENTICATED, message}) and
 * closed, and the others pick up their person's new roles and name.
 *
 * A session with a request in flight is ended only after that request's
 * answer: dispatch_reply calls sessions_end_now once it has answered.
 */
#ifndef SAFER_SERVER_SESSIONS_H
#define SAFER_SERVER_SESSIONS_H

#include <stddef.h>

#include "server/conn.h"
#include "server/server.h"

#define SESSIONS_REVOKED_MSG "this key has been revoked; ask an admin"
#define SESSIONS_DEACTIVATED_MSG "this account or its agency has been deactivated"

/*
 * Looks every live enrolled session up again and ends those no longer
 * allowed (at once, or after the request in flight). Returns how many
 * sessions it ended.
 */
size_t sessions_recheck(server *srv);

/*
 * Sends the notice for an ended session (s->ended) and closes the connection
 * once it is written. For dispatch_reply, after the last answer.
 */
void sessions_end_now(conn *c);

/*
 * Records, once per session, that its key was used (the key list's "last
 * used"): a write job nobody waits for. A failure is only logged.
 */
void sessions_touch(conn *c);

#endif
