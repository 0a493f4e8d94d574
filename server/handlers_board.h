/*
 * The board's handlers: task groups (handle_group.c), meetings and their
 * agendas (handle_meeting.c), the record of a meeting (meeting show,
 * attendance and minutes: handle_minutes.c). Each
 * checks its inputs, naming the bad one, then runs a board.h write job and
 * answers once it is durable; reads run on the loop thread.
 */
#ifndef SAFER_SERVER_HANDLERS_BOARD_H
#define SAFER_SERVER_HANDLERS_BOARD_H

#include "server/board.h"
#include "server/dispatch.h"

/* Handlers (handle_group.c). */
int handle_group_add(conn *c, const Safer__Request *rq);
int handle_group_list(conn *c, const Safer__Request *rq);
int handle_group_set_agencies(conn *c, const Safer__Request *rq);

/* Handlers (handle_meeting.c). */
int handle_meeting_add(conn *c, const Safer__Request *rq);
int handle_meeting_list(conn *c, const Safer__Request *rq);
int handle_agenda_add(conn *c, const Safer__Request *rq);
int handle_agenda_move(conn *c, const Safer__Request *rq);
int handle_agenda_remove(conn *c, const Safer__Request *rq);

/* Handlers (handle_minutes.c): the record of a meeting. */
int handle_meeting_show(conn *c, const Safer__Request *rq);
int handle_attendance_set(conn *c, const Safer__Request *rq);
int handle_minutes_set(conn *c, const Safer__Request *rq);
int handle_minutes_approve(conn *c, const Safer__Request *rq);

/*
 * Shared by the three files (handle_meeting.c): a zeroed job for the caller
 * of c with the time and the caller filled in (NULL when out of memory), and
 * a job's answer when it failed (its message, or its code's).
 */
board_job *handle_board_job(conn *c);
void handle_board_refused(conn *c, uint64_t id, const board_job *j, int rc);

/* Fills a wire Meeting from m (pointing into m). */
void handle_board_meeting_wire(const board_meeting *m, Safer__Meeting *out);

/* The agenda a as wire items pointing into a; *items and *ptrs are the caller's to free. */
int handle_board_agenda_wire(
    const board_agenda *a, Safer__AgendaItem **items, Safer__AgendaItem ***ptrs);

#endif
