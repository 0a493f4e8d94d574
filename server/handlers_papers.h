/*
 * The handlers of the papers requests (reports, returns, actions), for the
 * dispatch table. Each follows the handler contract of dispatch.h.
 */
#ifndef SAFER_SERVER_HANDLERS_PAPERS_H
#define SAFER_SERVER_HANDLERS_PAPERS_H

#include "server/dispatch.h"

/* handle_report.c */
int handle_report_submit(conn *c, const Safer__Request *rq);
int handle_report_show(conn *c, const Safer__Request *rq);
int handle_report_history(conn *c, const Safer__Request *rq);
int handle_report_withdraw(conn *c, const Safer__Request *rq);

/* handle_returns.c */
int handle_returns(conn *c, const Safer__Request *rq);

/* handle_action.c */
int handle_action_add(conn *c, const Safer__Request *rq);
int handle_action_list(conn *c, const Safer__Request *rq);
int handle_action_update(conn *c, const Safer__Request *rq);

#endif
