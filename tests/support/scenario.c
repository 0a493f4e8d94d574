/*
 * The steps of the shared board scenario (scenario.h). They drive only the
 * real binaries and the database file, as the other fixtures do.
 */
#include "support/scenario.h"

#include <string.h>

/* The most arguments sc_submit passes to safer. */
#define SC_ARGV_MAX 32

sc_person sc_cast[N_PEOPLE] = {
    [AD] = { "AD", "council", "admin", 1, "" },    /* the first admin, made by init */
    [DP] = { "DP", "council", "chair", 1, "" },    /* the chair */
    [MA] = { "MA", "council", "lead", 1, "" },     /* community safety manager */
    [RR] = { "RR", "police", "lead", 1, "" },      /* the constabulary's lead */
    [SD] = { "SD", "fire", "lead", 1, "" },        /* fire and rescue */
    [JD] = { "JD", "probation", "lead", 1, "" },   /* probation */
    [MH] = { "MH", "housing", "lead", 1, "" },     /* the housing trust */
    [GJ] = { "GJ", "yjs", "lead", 1, "" },         /* youth justice */
    [SA] = { "SA", "council", "member", 1, "" },   /* a board member */
    [DC] = { "DC", "council", "member", 1, "" },   /* the portfolio holder */
    [KT] = { "KT", "health", "member", 0, "" },    /* sends apologies and a substitute */
    [DY] = { "DY", "probation", "member", 0, "" }, /* sends apologies alone */
};

hx_server sc_srv;
hx_result sc_res;

void sc_start(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };
    static const char *const agencies[][2]
        = { { "police", "Cheshire Constabulary" }, { "fire", "Cheshire Fire and Rescue Service" },
              { "probation", "National Probation Service" }, { "housing", "Halton Housing Trust" },
              { "yjs", "Youth Justice Services" }, { "health", "Public Health" } };
    char invite[HX_INVITE_MAX];

    ck_assert_int_eq(hx_server_init(&sc_srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&sc_srv, extra), 0);
    ck_assert_int_eq(hx_enrol(&sc_srv, "AD", sc_srv.invite, H(AD), HX_PATH_MAX), 0);
    for (size_t i = 0; i < sizeof(agencies) / sizeof(agencies[0]); i++)
        ck_assert_int_eq(hx_agency_add(H(AD), agencies[i][0], agencies[i][1]), 0);
    for (int i = DP; i < N_PEOPLE; i++) {
        sc_person *p = &sc_cast[i];
        if (p->enrol)
            ck_assert_int_eq(hx_person_enrol(&sc_srv, H(AD), p->initials, p->agency, p->roles,
                                 p->home, HX_PATH_MAX),
                0);
        else
            ck_assert_int_eq(
                hx_person_add(H(AD), p->initials, p->agency, p->roles, invite, sizeof(invite)), 0);
    }
}

void sc_stop(void)
{
    int rc = hx_server_stop(&sc_srv);
    hx_server_cleanup(&sc_srv);
    ck_assert_int_eq(rc, 0);
}

void sc_groups(void)
{
    OK(AD, "group", "add", "alcohol", "Alcohol", "--agencies", "council,police");
    OK(AD, "group", "add", "crime-asb", "Crime, Anti-Social Behaviour and Partnership Tasking",
        "--agencies", "council,police,fire,housing");
    OK(AD, "group", "add", "domestic-abuse", "Domestic Abuse", "--agencies", "police,probation");
    OK(AD, "group", "add", "substance-misuse", "Substance Misuse", "--agencies",
        "probation,police");
    /* Youth justice joins the domestic abuse group; the chair may change members too. */
    OK(DP, "group", "agencies", "domestic-abuse", "--agencies", "police,probation,yjs");
}

void sc_submit(int who, const char *date, const char *group, const char *file, const char *body,
    const char *title, const char *rag, int version, const char *when, const char *const *extra)
{
    char path[HX_PATH_MAX + 64], want[256];
    const char *argv[SC_ARGV_MAX];
    size_t n = 0;

    hx_path(path, sizeof(path), sc_srv.root, file);
    ck_assert_int_eq(hx_write_file(path, body), 0);
    {
        const char *fixed[]
            = { SAFER_BIN, "report", "submit", date, group, path, "--title", title, "--rag", rag };
        for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
            argv[n++] = fixed[i];
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        ck_assert_uint_lt(n, SC_ARGV_MAX - 1);
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    hx_exec(H(who), &sc_res, argv);
    ck_assert_msg(sc_res.status == 0, "submit %s as %s failed (%d): %s", group,
        sc_cast[who].initials, sc_res.status, sc_res.err);
    snprintf(want, sizeof(want), "Submitted version %d of %s for %s at %s (%s).", version, group,
        sc_cast[who].agency, date, when);
    ck_assert_msg(strstr(sc_res.out, want) != NULL, "want '%s' in: %s", want, sc_res.out);
}

void sc_papers(const char *date, const char *deadline, const char *tomorrow, int restricted)
{
    static const char *const metrics[]
        = { "--metric", "test purchases=12/10", "--metric", "licence reviews=3", NULL };
    static const char *const restrict_args[]
        = { "--marking", "official-sensitive", "--restrict", "police,probation", NULL };
    char sql[256];

    /* Back in time: the deadline is still ahead while these papers go in. */
    snprintf(
        sql, sizeof(sql), "UPDATE meetings SET deadline = '%s' WHERE date = '%s'", tomorrow, date);
    ck_assert_int_eq(hx_sql_exec(&sc_srv, sql), 0);
    sc_submit(MA, date, "alcohol", "alc-council.md",
        "# Alcohol\n\nHarm reduction work in schools.\n", "Alcohol harm reduction", "green", 1,
        "on time", NULL);
    sc_submit(RR, date, "alcohol", "alc-police.md", "# Licensing\n\nFake licences seen.\n",
        "Licensing", "amber", 1, "on time", metrics);
    sc_submit(MA, date, "crime-asb", "crime.md", "# Tasking\n\nMARKER-V1 first draft.\n",
        "Tasking v1", "amber", 1, "on time", NULL);
    sc_submit(RR, date, "crime-asb", "crime-police.md", "# Police\n\nSix crack houses closed.\n",
        "Joint operation", "green", 1, "on time", NULL);
    sc_submit(MH, date, "crime-asb", "crime-hht.md", "# HHT\n\nJoint operation.\n", "Housing",
        "green", 1, "on time", NULL);
    if (restricted)
        sc_submit(RR, date, "domestic-abuse", "da-police.md",
            "# DA\n\n" SC_RESTRICTED_WORDS " in the borough.\n", SC_RESTRICTED_TITLE, "red", 1,
            "on time", restrict_args);
    else
        sc_submit(RR, date, "domestic-abuse", "da-police.md",
            "# DA\n\nCampaign for the World Cup.\n", "Domestic abuse", "red", 1, "on time", NULL);
    sc_submit(JD, date, "domestic-abuse", "da-probation.md", "# DA\n\n68 serial perpetrators.\n",
        "Serial perpetrators", "amber", 1, "on time", NULL);
    sc_submit(JD, date, "substance-misuse", "sm-probation.md", "# SM\n\nHot spots identified.\n",
        "Substance misuse", "green", 1, "on time", NULL);
    sc_submit(RR, date, "substance-misuse", "sm-police.md", "# SM\n\nCanal hot spots.\n",
        "Police view", "amber", 1, "on time", NULL);
    /* The council's crime paper is revised twice, from the same file. */
    sc_submit(MA, date, "crime-asb", "crime.md", "# Tasking\n\nMARKER-V2 second draft.\n",
        "Tasking v2", "red", 2, "on time", NULL);
    sc_submit(MA, date, "crime-asb", "crime.md", "# Tasking\n\nMARKER-V3 final.\n", "Tasking v3",
        "amber", 3, "on time", NULL);

    /* Now the deadline is past: the papers above are dated before it, and
     * fire's paper arrives late. Youth justice never sends its return. */
    snprintf(sql, sizeof(sql),
        "UPDATE meetings SET deadline = '%s' WHERE date = '%s';"
        "UPDATE report_versions SET submitted = submitted - 70 * 86400",
        deadline, date);
    ck_assert_int_eq(hx_sql_exec(&sc_srv, sql), 0);
    sc_submit(SD, date, "crime-asb", "crime-fire.md", "# Fire\n\nASB fires increasing.\n",
        "ASB fires", "amber", 1, "late", NULL);
}

void sc_attendance(const char *date)
{
    static const int present[] = { DP, MA, RR, SD, JD, MH, SA, DC };

    for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++)
        OK(DP, "attendance", date, sc_cast[present[i]].initials, "--present");
    OK(DP, "attendance", date, "KT", "--apologies", "--substitute", "Jo Deputy");
    OK(DP, "attendance", date, "DY", "--apologies");
    /* Setting it again replaces it: GJ sent apologies, then came after all. */
    OK(DP, "attendance", date, "GJ", "--apologies");
    OK(DP, "attendance", date, "GJ", "--present");
}
