/*
 * The board scenario of issue 4, shared by the tests that need a real
 * partnership to work on (meeting_life_test and pack_test): one saferd with
 * its agencies and a cast of people known by initials, the four task groups,
 * a meeting's papers (most on time, one late, one missing, one revised
 * twice, and optionally one restricted to two agencies) and its attendance
 * (an apology with a substitute, one without, one changed mind).
 *
 * Everything goes through the real `safer` binary; the steps assert what
 * they must to go on (each command succeeds, each submission says on time or
 * late as expected) and leave the detailed checks to the tests. The state is
 * global because Check's unchecked fixtures and the tests of one suite share
 * one server.
 */
#ifndef SAFER_TESTS_SCENARIO_H
#define SAFER_TESTS_SCENARIO_H

#include <check.h>
#include <stdio.h>

#include "support/boardfix.h"
#include "support/harness.h"
#include "support/peoplefix.h"

/* One of the cast: initials, agency, roles, and whether they get a home. */
typedef struct sc_person {
    const char *initials, *agency, *roles;
    int enrol;
    char home[HX_PATH_MAX];
} sc_person;

enum { AD, DP, MA, RR, SD, JD, MH, GJ, SA, DC, KT, DY, N_PEOPLE };

extern sc_person sc_cast[N_PEOPLE];
extern hx_server sc_srv;
extern hx_result sc_res; /* the last command's output */

#define H(who) (sc_cast[who].home)

/* Runs safer as who and requires success. */
#define OK(who, ...)                                                                               \
    do {                                                                                           \
        hx_safer(H(who), &sc_res, __VA_ARGS__);                                                    \
        ck_assert_msg(sc_res.status == 0, "line %d: safer as %s failed (%d): %s", __LINE__,        \
            sc_cast[who].initials, sc_res.status, sc_res.err);                                     \
    } while (0)

/* Runs safer as who and requires the server's refusal naming why. */
#define REFUSED(who, why, ...)                                                                     \
    do {                                                                                           \
        hx_safer(H(who), &sc_res, __VA_ARGS__);                                                    \
        ck_assert_msg(sc_res.status == 1, "line %d: safer as %s: exit %d, not 1; stdout: %s",      \
            __LINE__, sc_cast[who].initials, sc_res.status, sc_res.out);                           \
        ck_assert_msg(strstr(sc_res.err, why) != NULL, "line %d: as %s: no %s in: %s", __LINE__,   \
            sc_cast[who].initials, why, sc_res.err);                                               \
    } while (0)

/*
 * Starts a fresh server, enrols the first admin (AD), adds the six other
 * agencies (police, fire, probation, housing, yjs, health) and the cast, with
 * a home for everyone marked enrol.
 */
void sc_start(void);

/* Stops the server, removes its folder and requires a clean exit. */
void sc_stop(void);

/*
 * The four task groups: alcohol (council, police), crime-asb (council,
 * police, fire, housing), domestic-abuse (police, probation, then yjs added by
 * the chair) and substance-misuse (probation, police).
 */
void sc_groups(void);

/*
 * Submits a paper as who for date from a file named file holding body, and
 * checks the line safer prints: "Submitted version V of GROUP for AGENCY at
 * DATE (WHEN)." Extra arguments (NULL-terminated list, may be NULL) go after
 * the title and RAG.
 */
void sc_submit(int who, const char *date, const char *group, const char *file, const char *body,
    const char *title, const char *rag, int version, const char *when, const char *const *extra);

/* The body of the restricted paper; a pack that may not show it never holds this. */
#define SC_RESTRICTED_WORDS "Operation Nightjar tracks three high-risk perpetrators"
#define SC_RESTRICTED_TITLE "Nightjar high-risk cases"

/*
 * The papers for the meeting on date (deadline its real deadline, which has
 * passed; tomorrow the day after today): everything on time but fire's
 * crime-asb paper (late) and youth justice's domestic-abuse return (never
 * sent); the council's crime-asb paper is revised twice (MARKER-V1..V3, the
 * last one amber). The police send two metrics on alcohol (test purchases
 * 12 against 10, licence reviews 3). With restricted set, the police
 * domestic-abuse paper is OFFICIAL-SENSITIVE, restricted to police and
 * probation, titled SC_RESTRICTED_TITLE and holds SC_RESTRICTED_WORDS.
 * Twelve versions of ten papers in all.
 */
void sc_papers(const char *date, const char *deadline, const char *tomorrow, int restricted);

/*
 * Attendance at date: DP, MA, RR, SD, JD, MH, SA and DC present; KT sends
 * apologies with "Jo Deputy" as substitute; DY apologies alone; GJ sends
 * apologies, then is marked present after all.
 */
void sc_attendance(const char *date);

#endif
